"""What waits where, for the secretariat and the operator (`vinhdanh status`, `GET /api/v1/status`):
per level and stage the nominations waiting and overdue, the flow runs that failed, the actions
whose flow has not started."""

from datetime import datetime

from sqlmodel import Session, col, select

from models import followups
from models.nominations import Nomination, State
from models.org import Unit
from models.routing import LEVEL_LABELS
from models.runs import FlowRun
from models.workflow import vietnam_today

STAGE_LABELS = {
    State.DRAFT: "Dự thảo",
    State.SUBMITTED: "Chờ tiếp nhận",
    State.RETURNED: "Trả lại, chờ bổ sung",
    State.ACCEPTED: "Chờ họp Hội đồng",
    State.ON_AGENDA: "Hội đồng đang xét",
    State.RECOMMENDED: "Chờ quyết định / trình",
}


def status(session: Session, now: datetime) -> dict:
    """What waits where: per level and stage, how many nominations and how many overdue; the
    flow runs whose last run failed (not since run again successfully); and the actions whose
    flow has not started within the grace period (the next sweep starts them)."""
    today = vietnam_today(now)
    units = {u.id: u for u in session.exec(select(Unit))}
    rows: dict[tuple[str, str], dict] = {}
    waiting = select(Nomination.handling_unit_id, Nomination.state, Nomination.due_on).where(
        col(Nomination.state).in_(STAGE_LABELS)
    )
    for unit_id, state, due_on in session.exec(waiting):
        row = rows.setdefault(
            (LEVEL_LABELS[units[unit_id].kind], STAGE_LABELS[state]), {"count": 0, "overdue": 0}
        )
        row["count"] += 1
        row["overdue"] += bool(due_on and due_on < today)
    latest: dict[tuple, FlowRun] = {}
    for run in session.exec(select(FlowRun).order_by(col(FlowRun.started_at))):
        latest[(run.flow, run.entity, run.entity_id)] = run
    failed = [run for run in latest.values() if run.state == "failed"]
    order = list(LEVEL_LABELS.values())
    return {
        "stages": [
            {"level": level, "stage": stage, **rows[level, stage]}
            for level, stage in sorted(
                rows, key=lambda k: (order.index(k[0]), list(STAGE_LABELS.values()).index(k[1]))
            )
        ],
        "failed_runs": [
            {"id": r.id, "flow": r.flow, "entity": r.entity, "entity_id": r.entity_id, "error": r.error}
            for r in failed
        ],
        "not_started": [{"flow": flow, "entity_id": key} for flow, key in followups.lost(session, now)],
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
