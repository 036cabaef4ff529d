"""The season's summary in Vietnamese, read back from the database: per level, how many
nominations arrived, were returned, conferred or not; the decisions issued; who was blocked."""

from collections import Counter
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from models import followups
from models.audit import Event, verify
from models.catalogue import default_catalogue
from models.councils import Council, CouncilSession
from models.deadlines import StageAlert
from models.decisions import Decision, DecisionState
from models.guards import vietnam_today
from models.nominations import Nomination, State, Submission
from models.notify import Notification
from models.org import Unit, UnitKind
from models.route import FLOW_SUBJECT
from models.runs import FlowRun

LEVEL = {
    UnitKind.AGENCY: "Đơn vị cơ sở",
    UnitKind.ENTERPRISE: "Đơn vị cơ sở",
    UnitKind.COMMUNE: "Đơn vị cơ sở",
    UnitKind.PROVINCE: "Cấp tỉnh",
    UnitKind.MINISTRY: "Cấp Bộ",
    UnitKind.CENTRAL: "Trung ương",
    UnitKind.STATE: "Chủ tịch nước",
}
# column → (heading, the actions it counts, whether the event's level is where it arrives)
COLUMNS = {
    "submitted": ("Đề nghị", {"submit", "forward"}, True),
    "returned": ("Trả lại", {"return"}, False),
    "not_conferred": ("Không đạt", {"not_recommend", "reject", "decline"}, False),
    "withdrawn": ("Rút", {"withdraw"}, False),
    "conferred": ("Khen thưởng", {"confer"}, False),
    "forwarded": ("Trình lên", {"forward"}, False),
}

ALERTS = {
    "remind_before": "nhắc trước hạn",
    "remind_after": "nhắc quá hạn",
    "escalate": "báo cáo lãnh đạo",
    "timeout": "tự rút do quá hạn",
}


def level_counts(session: Session) -> dict[str, Counter]:
    """Per level, how many nominations each column's actions touched, from the audit log."""
    units = {u.id: u for u in session.exec(select(Unit))}
    counts: dict[str, Counter] = {}
    for event in session.exec(select(Event).where(Event.entity == "nomination")):
        for column, (_, actions, arriving) in COLUMNS.items():
            if event.action in actions:
                unit_id = event.data["to" if arriving else "from"]["unit"]
                counts.setdefault(LEVEL[units[unit_id].kind], Counter())[column] += 1
    return counts


def summary(engine: Engine, year: int, blocked: list[str], database: Path, seconds: float) -> str:
    with Session(engine) as session:
        counts = level_counts(session)
        names = {
            code: award.name
            for code, award in default_catalogue().ruleset("law06-2022+nd152-2025").awards.items()
        }
        units = {u.id: u for u in session.exec(select(Unit))}
        decisions = session.exec(
            select(Decision)
            .where(Decision.state == DecisionState.ISSUED)
            .order_by(Decision.signed_on, Decision.id)
        ).all()
        listed = Counter(
            session.exec(select(Nomination.decision_id).where(Nomination.decision_id.is_not(None))).all()
        )
        intact = verify(session) is None
        events = len(session.exec(select(Event.id)).all())
        flow_runs = Counter(session.exec(select(FlowRun.flow)).all())
        failed = len(session.exec(select(FlowRun.id).where(FlowRun.state == "failed")).all())
        inbox = Counter(session.exec(select(Notification.kind)).all())
        alerts = Counter(session.exec(select(StageAlert.kind)).all())
    lines = [
        "",
        f"TỔNG KẾT ĐỢT XÉT THI ĐUA, KHEN THƯỞNG NĂM {year}",
        "Tỉnh Quảng Ngãi, Bộ Công Thương và cấp Trung ương",
        "",
        f"{'Cấp xét':<16}" + "".join(f"{heading:>13}" for heading, _, _ in COLUMNS.values()),
    ]
    for level in ("Đơn vị cơ sở", "Cấp tỉnh", "Cấp Bộ", "Trung ương", "Chủ tịch nước"):
        if level in counts:
            lines.append(f"{level:<16}" + "".join(f"{counts[level][column]:>13}" for column in COLUMNS))
    lines += ["", f"Quyết định đã ký ({len(decisions)}):"]
    for d in decisions:
        issuer = units[d.issuer_unit_id]
        award = f"{names[d.award_code]} ({listed[d.id]})"
        lines.append(f"  Số {d.reference:<14} ngày {d.signed_on:%d/%m/%Y}  {issuer.name}: {award}")
    if blocked:
        lines += ["", "Không đủ điều kiện khi gửi đề nghị (động cơ kiểm tra, dẫn chiếu điều luật):"]
        lines += [f"  - {line}" for line in blocked]
    lines += [
        "",
        f"Luồng tự động (Prefect): {sum(flow_runs.values())} lượt chạy, {failed} lỗi — "
        + ", ".join(f"{flow} {count}" for flow, count in sorted(flow_runs.items())),
        f"Thông báo trong hộp thư: {sum(inbox.values())} — "
        + ", ".join(f"{kind} {count}" for kind, count in sorted(inbox.items())),
        "Hạn xử lý (ngày làm việc): " + ", ".join(f"{ALERTS[kind]} {alerts[kind]}" for kind in ALERTS),
        f"Nhật ký kiểm toán: {events} sự kiện, chuỗi băm {'toàn vẹn' if intact else 'BỊ PHÁ VỠ'}.",
        f"Cơ sở dữ liệu: {database}",
        f"Thời gian chạy: {seconds:.1f} giây",
    ]
    return "\n".join(lines)


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
        row = rows.setdefault((LEVEL[kinds[unit_id]], state.label), {"count": 0, "overdue": 0})
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
    order, stages = list(LEVEL.values()), [s.label for s in STAGES]
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
