"""A conference's report (models/conferences.py), pre-filled from the statistics of its period
(models/statistics.py) and its honoured list, rendered and kept once per request."""

from sqlmodel import Session

from document_templates import render
from document_templates.contexts import ConferenceReportDoc, CountRow, HonourRow
from document_templates.wording import header, signing_block
from models import conferences, statistics
from models.access import Actor
from models.conferences import REPORT, Conference, ConferenceKind
from models.decisions import GeneratedDocument
from models.dossier import Store, keep
from models.errors import NotFound
from models.org import Unit
from models.routing import Org

SUMMARY = {
    ConferenceKind.ADVANCED_EXAMPLES: "Biểu dương điển hình tiên tiến giai đoạn {}",
    ConferenceKind.INTERIM_REVIEW: "Sơ kết phong trào thi đua giai đoạn {}",
    ConferenceKind.FINAL_REVIEW: "Tổng kết phong trào thi đua giai đoạn {}",
}


def report_doc(session: Session, conference: Conference) -> ConferenceReportDoc:
    unit = session.get(Unit, conference.organiser_unit_id)
    rules = statistics.ruleset(session, unit.id, conference.held_on)
    period = statistics.Period(conference.first_year, conference.last_year)
    scope = statistics.Scope(unit.id, period)
    found = statistics.awards(session, scope, rules)
    proposed = statistics.nominations(session, scope)
    campaigns = sum(statistics.campaigns(session, scope).values())
    names = {code: award.name for code, award in rules.awards.items()}
    honoured = conferences.honoured(session, conference, names)
    span = conference.period
    levels, kinds = found.by("level"), found.by("kind")
    counts = [
        CountRow(
            award=names.get(code, code),
            collectives=found.count({code}, subject="collective"),
            individuals=found.count({code}, subject="individual"),
            total=n,
        )
        for code, n in sorted(
            found.by("code").items(), key=lambda item: list(names).index(item[0]) if item[0] in names else 99
        )
    ]
    return ConferenceReportDoc(
        header=header(session, unit, None, f"BC-{unit.abbreviation}", conference.held_on),
        summary=SUMMARY[conference.kind].format(span),
        opening=[
            f"Thực hiện Luật Thi đua, khen thưởng năm 2022, {unit.name} tổ chức "
            f"{conference.kind.label.lower()} giai đoạn {span}"
            + (f" tại {conference.place}" if conference.place else "")
            + ". Số liệu dưới đây tổng hợp từ cơ sở dữ liệu thi đua, khen thưởng của đơn vị "
            "và các đơn vị trực thuộc.",
        ],
        results=[
            f"Trong giai đoạn {span}, các đơn vị đã phát động {campaigns} phong trào thi đua; "
            f"đề nghị khen thưởng {proposed['proposed']} lượt, trong đó {proposed['conferred']} lượt đã được "
            f"khen thưởng, {proposed['pending']} lượt đang xét.",
            f"Tổng số {found.total} lượt tập thể, cá nhân được khen thưởng: "
            f"{found.count(subject='collective')} lượt tập thể, "
            f"{found.count(subject='individual')} lượt cá nhân; {kinds.get('title', 0)} danh hiệu thi đua, "
            f"{kinds.get('form', 0)} hình thức khen thưởng.",
            "Theo cấp khen thưởng: "
            + "; ".join(f"{level.label.lower()} {levels.get(level, 0)} lượt" for level in statistics.Level)
            + ".",
            "Chi tiết theo danh hiệu, hình thức:",
        ],
        counts=counts,
        honoured_intro=(
            f"{len(honoured)} tập thể, cá nhân tiêu biểu được biểu dương tại hội nghị:"
            if honoured
            else "Chưa có tập thể, cá nhân nào trong danh sách biểu dương."
        ),
        honoured=[
            HonourRow(
                number=i,
                name=h["name"],
                detail=h["detail"],
                recognition=h["recognition"],
                awards="; ".join(f"{a['year']}: {a['name']}" for a in h["awards"]),
            )
            for i, h in enumerate(honoured, 1)
        ],
        recipients=["Các cơ quan, đơn vị trực thuộc", f"Lưu: VT, {unit.abbreviation}."],
        signature=signing_block(session, unit, None, conference.last_year, on_behalf=True),
    )


def publish(
    session: Session, actor: Actor, conference_id: int, store: Store | None = None
) -> GeneratedDocument:
    """The report asked for last (conference.report_version), made once: a retry finds it."""
    conference = session.get(Conference, conference_id)
    if conference is None:
        raise NotFound(f"Không có hội nghị #{conference_id}")
    if conference.report_version == 0:
        raise NotFound(f"Chưa có yêu cầu lập báo cáo hội nghị #{conference_id}")
    content = render(
        REPORT, report_doc(session, conference), Org.of(session).tenant(conference.organiser_unit_id)
    )
    name = f"BC_hoi-nghi_{conference.id}_{conference.period}_v{conference.report_version}.docx"
    return keep(session, actor, conference.report_kind, conference.owner, name, content, store)
