"""What waits where, for the secretariat and the operator (`vinhdanh status`, `GET /api/v1/status`):
per level and stage the nominations waiting and overdue, the flow runs that failed, the actions
whose flow has not started."""

from datetime import datetime

from sqlmodel import Session, col, select

from models import followups
from models.councils import Council, CouncilSession
from models.decisions import Decision
from models.guards import vietnam_today
from models.nominations import Nomination, State, Submission
from models.org import Unit
from models.route import FLOW_SUBJECT
from models.routing import LEVEL_LABELS
from models.runs import FlowRun

STAGES = [State.DRAFT, State.SUBMITTED, State.RETURNED, State.ACCEPTED, State.ON_AGENDA, State.RECOMMENDED]


def _case_units(session: Session, entity: str, entity_id: int | None) -> set[int]:
    """The units a flow's case belongs to: whose people may see how its runs went."""
    if entity == "submission" and (batch := session.get(Submission, entity_id)):
        return {batch.from_unit_id, batch.to_unit_id}
    if entity == "council_session" and (meeting := session.get(CouncilSession, entity_id)):
        return {session.get(Council, meeting.council_id).unit_id}
    if entity == "decision" and (decision := session.get(Decision, entity_id)):
        return {decision.issuer_unit_id}
    return set()  # the sweep: the administrators'


def status(session: Session, now: datetime, units: set[int] | None = None) -> dict:
    """What waits where: per level and stage, how many nominations and how many overdue; the
    flow runs whose last run failed (not since run again successfully); and the actions whose
    flow has not started within the grace period (the next sweep starts them). With `units`,
    only what concerns those units: their nominations, wherever they wait, and those they handle."""
    today = vietnam_today(now)
    kinds = {u.id: u.kind for u in session.exec(select(Unit))}
    rows: dict[tuple[str, str], dict] = {}
    waiting = select(Nomination.handling_unit_id, Nomination.state, Nomination.due_on).where(
        col(Nomination.state).in_(STAGES)
    )
    if units is not None:
        waiting = waiting.where(
            col(Nomination.handling_unit_id).in_(units) | col(Nomination.unit_id).in_(units)
        )
    for unit_id, state, due_on in session.exec(waiting):
        row = rows.setdefault((LEVEL_LABELS[kinds[unit_id]], state.label), {"count": 0, "overdue": 0})
        row["count"] += 1
        row["overdue"] += bool(due_on and due_on < today)
    latest: dict[tuple, FlowRun] = {}
    for run in session.exec(select(FlowRun).order_by(col(FlowRun.started_at))):
        latest[(run.flow, run.entity, run.entity_id)] = run
    failed = [run for run in latest.values() if run.state == "failed"]
    lost = followups.lost(session, now)
    if units is not None:
        failed = [r for r in failed if _case_units(session, r.entity, r.entity_id) & units]
        lost = [(flow, key) for flow, key in lost if _case_units(session, FLOW_SUBJECT[flow][0], key) & units]
    order, stages = list(dict.fromkeys(LEVEL_LABELS.values())), [s.label for s in STAGES]
    return {
        "stages": [
            {"level": level, "stage": stage, **rows[level, stage]}
            for level, stage in sorted(rows, key=lambda k: (order.index(k[0]), stages.index(k[1])))
        ],
        "failed_runs": [
            {"id": r.id, "flow": r.flow, "entity": r.entity, "entity_id": r.entity_id, "error": r.error}
            for r in failed
        ],
        "not_started": [{"flow": flow, "entity_id": key} for flow, key in lost],
    }


def status_text(report: dict) -> str:
    lines = [f"{'Cấp xét':<16}{'Giai đoạn':<26}{'Số hồ sơ':>10}{'Quá hạn':>10}"]
    lines += [f"{r['level']:<16}{r['stage']:<26}{r['count']:>10}{r['overdue']:>10}" for r in report["stages"]]
    if not report["stages"]:
        lines.append("(không có hồ sơ đang chờ xử lý)")
    lines += ["", f"Luồng tự động lỗi, chưa chạy lại thành công: {len(report['failed_runs'])}"]
    lines += [
        f"  {r['flow']} {r['entity']} #{r['entity_id']} ({r['id']}): {r['error']}"
        for r in report["failed_runs"]
    ]
    waiting = report["not_started"]
    lines.append(f"Việc chưa được luồng tự động xử lý (lượt quét hạn tới sẽ chạy): {len(waiting)}")
    lines += [f"  {r['flow']} #{r['entity_id']}" for r in waiting]
    return "\n".join(lines)
