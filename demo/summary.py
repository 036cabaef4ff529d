"""The season's summary in Vietnamese, read back from the database: per level, how many
nominations arrived, were returned, conferred or not; the decisions issued; who was blocked."""

from collections import Counter
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session, select

from demo.accounts import DemoAccount
from demo.campaign_year import rate_lines
from demo.cluster_year import cluster_lines
from models.audit import Event, verify
from models.catalogue import default_catalogue
from models.deadlines import StageAlert
from models.decisions import Decision, DecisionState
from models.history import AwardRecord
from models.nominations import Nomination
from models.notify import Notification
from models.org import Unit, UnitKind
from models.routing import LEVEL_LABELS
from models.runs import FlowRun

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
                counts.setdefault(LEVEL_LABELS[units[unit_id].kind], Counter())[column] += 1
    return counts


def merger_lines(session: Session, units: dict[int, Unit], names: dict[str, str]) -> list[str]:
    """Each merger; what the merged units' records took over from their predecessors, and the
    season's nominations of those units, judged on that record (the rule set's [merger])."""
    merged = sorted((u for u in units.values() if u.successor_id is not None), key=lambda u: u.id)
    if not merged:
        return []
    lines = ["", "Sáp nhập (chính quyền địa phương hai cấp từ 01/7/2025):"]
    lines += [f"  {u.name} → {units[u.successor_id].name} (đến {u.valid_to:%d/%m/%Y})" for u in merged]
    catalogue = default_catalogue().ruleset("law06-2022+nd152-2025")
    for unit in merged:
        held: dict[str, list[int]] = {}
        query = select(AwardRecord.code, AwardRecord.year).where(AwardRecord.collective_id == unit.id)
        for code, year in session.exec(query.order_by(AwardRecord.year)):
            held.setdefault(code, []).append(year)
        heir = select(Nomination).where(Nomination.collective_id == unit.successor_id)
        nominated = session.exec(heir.order_by(Nomination.id)).all()
        if not held or not nominated:
            continue
        titles = "; ".join(f"{names[code]} {', '.join(map(str, years))}" for code, years in held.items())
        lines.append(f"  {units[unit.successor_id].name} kế thừa thành tích của {unit.name}: {titles}")
        for n in nominated:
            award = catalogue.award(n.award_code)
            route = next((r for r in award.routes if r.id == (n.verdict or {}).get("route")), None)
            basis = f" ({route.label}, {route.article})" if route else ""
            lines.append(f"    → {award.name}{basis}: {n.state.label}")
    return lines


def summary(
    engine: Engine, year: int, blocked: list[str], database: Path, seconds: float, logins: list[DemoAccount]
) -> str:
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
        merged = merger_lines(session, units, names) + cluster_lines(session)
    # the season's own top units name it: its province, then its ministry (not those merged away,
    # nor the Bộ Nội vụ, which appraises for the central level)
    appraisers = {u.appraiser_id for u in units.values()}
    tops = [
        u.name
        for k in (UnitKind.PROVINCE, UnitKind.MINISTRY)
        for u in units.values()
        if u.kind is k and u.successor_id is None and u.id not in appraisers
    ]
    lines = [
        "",
        f"TỔNG KẾT ĐỢT XÉT THI ĐUA, KHEN THƯỞNG NĂM {year}",
        f"{', '.join(tops)} và cấp Trung ương",
        "",
        f"{'Cấp xét':<16}" + "".join(f"{heading:>13}" for heading, _, _ in COLUMNS.values()),
    ]
    for level in dict.fromkeys(LEVEL_LABELS.values()):
        if level in counts:
            lines.append(f"{level:<16}" + "".join(f"{counts[level][column]:>13}" for column in COLUMNS))
    lines += ["", f"Quyết định đã ký ({len(decisions)}):"]
    for d in decisions:
        issuer = units[d.issuer_unit_id]
        award = f"{names[d.award_code]} ({listed[d.id]})"
        lines.append(f"  Số {d.reference:<14} ngày {d.signed_on:%d/%m/%Y}  {issuer.name}: {award}")
    lines += merged + rate_lines(engine)
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
        "",
        f"Tài khoản đăng nhập ({len(logins)}; `make serve`, rồi đăng nhập tại http://127.0.0.1:8000/dang-nhap):",
        f"  {'Tên đăng nhập':<22} {'Mật khẩu':<14} {'Họ tên':<28} {'Vai trò':<20} Đơn vị",
        *(f"  {a.username:<22} {a.password:<14} {a.name:<28} {a.role:<20} {a.unit}" for a in logins),
        "",
        f"Cơ sở dữ liệu: {database}",
        f"Thời gian chạy: {seconds:.1f} giây",
    ]
    return "\n".join(lines)
