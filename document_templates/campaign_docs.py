"""A campaign's documents from its record: the Kế hoạch phát động (its targets, phases, the
registration asked of the units, the awards it leads to) and the Báo cáo of its six-month and
year-end reviews (sơ kết, tổng kết), pre-filled with the registration rates, the phases held and
the awards decided — a draft the secretariat downloads, completes and has signed."""

from datetime import date

from sqlalchemy import func
from sqlmodel import Session, col, select

from document_templates import render
from document_templates.builders import legal_bases
from document_templates.contexts import CampaignDoc, Section, date_text
from document_templates.wording import header, signing_block
from models import campaigning, registrations
from models.access import Actor
from models.campaigns import Campaign, CampaignKind, rules_of
from models.decisions import Decision, DecisionState, GeneratedDocument
from models.dossier import Store, keep
from models.errors import IllegalTransition, NotFound
from models.nominations import Nomination
from models.org import Unit
from models.routing import Org

ROMAN = ("I", "II", "III", "IV", "V", "VI")
REVIEWS = {"so_ket": "Sơ kết", "tong_ket": "Tổng kết"}


def _numbered(parts: list[tuple[str, list[str]]]) -> list[Section]:
    present = [(heading, entries) for heading, entries in parts if entries]
    return [Section(heading=f"{ROMAN[i]}. {h}", entries=e) for i, (h, e) in enumerate(present)]


def _span(c: Campaign) -> str:
    if c.starts_on and c.ends_on:
        return f"từ ngày {c.starts_on:%d/%m/%Y} đến ngày {c.ends_on:%d/%m/%Y}"
    if c.last_year and c.last_year != c.year:
        return f"giai đoạn {c.year}–{c.last_year}"
    return f"năm {c.year}"


def _recipients(organiser: Unit) -> list[str]:
    return [f"Các cơ quan, đơn vị thuộc {organiser.name}", "Lưu: VT, TĐKT"]


def plan_doc(session: Session, campaign: Campaign) -> CampaignDoc:
    """Kế hoạch phát động: what Law 06/2022 Art. 17(1) asks a campaign to fix before launch."""
    organiser = session.get(Unit, campaign.organiser_unit_id)
    rules = rules_of(campaign, Org.of(session).tenant(organiser.id))
    bases, _ = legal_bases(session, organiser, rules, own_powers=False)
    opening = [f"{b};" for b in bases] + [
        f"{organiser.name} ban hành Kế hoạch phát động {campaign.name}"
        + ("" if str(campaign.year) in campaign.name else f" {_span(campaign)}")
        + " như sau:"
    ]
    phases = campaigning.phases(session, campaign.id)
    timing = [f"Phát động {date_text(campaign.launched_on)}; thực hiện {_span(campaign)}."]
    timing += [f"{p.name}: {_span(p)}{f' ({p.theme})' if p.theme else ''}." for p in phases]
    if campaign.interim_review_on:
        timing.append(f"Sơ kết {date_text(campaign.interim_review_on)}.")
    if campaign.final_review_on:
        timing.append(f"Tổng kết {date_text(campaign.final_review_on)}.")
    awards = [f"{rules.award(code).name}." for code in campaign.awards]
    awards += [
        f"Khi tổng kết, phong trào {campaign.years} năm được xét {rules.award(code).name} ({article})."
        for code, article in campaigning.unlocked(campaign).items()
        if code in rules.awards and code not in campaign.awards
    ]
    registering = []
    if campaign.kind in (CampaignKind.ANNUAL, CampaignKind.MOVEMENT):
        registering = [
            "Các cơ quan, đơn vị tổ chức cho tập thể, cá nhân đăng ký thi đua và gửi bản đăng ký về "
            f"{organiser.name} (qua cơ quan thường trực Hội đồng Thi đua - Khen thưởng) để phê duyệt."
        ]
    sections = _numbered(
        [
            ("MỤC ĐÍCH, YÊU CẦU", [f"{campaign.theme}."] if campaign.theme else []),
            ("CHỈ TIÊU THI ĐUA", [f"- {t}" for t in campaign.targets]),
            ("THỜI GIAN THỰC HIỆN", timing),
            ("ĐĂNG KÝ THI ĐUA", registering),
            ("HÌNH THỨC KHEN THƯỞNG", awards),
        ]
    )
    return CampaignDoc(
        header=header(session, organiser, campaign.plan_number, campaign.plan_symbol, campaign.launched_on),
        summary=f"Phát động {campaign.name}",
        opening=opening,
        sections=sections,
        recipients=_recipients(organiser),
        signature=signing_block(session, organiser, None, campaign.year, on_behalf=True),
    )


def period(campaign: Campaign, review: str) -> tuple[date, date]:
    """A review's period: the six months to the sơ kết, or the year to the tổng kết (the
    decisions on a year's titles are signed early in the next, before its tổng kết)."""
    start = date(campaign.year, 1, 1)
    if review == "so_ket":
        return start, campaign.interim_review_on or date(campaign.year, 6, 30)
    return start, campaign.final_review_on or date(campaign.last_year or campaign.year, 12, 31)


def rate_sentences(rates: registrations.Rates) -> list[str]:
    """'100 % đơn vị đăng ký thi đua (12/12 đơn vị)', per title the people registered against the
    staff, and how many of those registered reached the title."""
    pct = registrations.percent
    lines = [
        f"{pct(rates.units_share)} đơn vị đăng ký thi đua ({rates.units_registered}/{rates.units_in_scope} "
        "đơn vị thuộc phạm vi phát động)."
    ]
    for t in rates.titles:
        if t.collective:
            lines.append(f"{t.registered} tập thể đăng ký danh hiệu {t.name}.")
        else:
            lines.append(
                f"{pct(rates.people_share(t))} cá nhân đăng ký danh hiệu {t.name} "
                f"({t.registered}/{rates.staff} người)."
            )
    return lines


def reached_sentences(rates: registrations.Rates) -> list[str]:
    return [
        f"{t.reached}/{t.registered} {'tập thể' if t.collective else 'cá nhân'} đăng ký đạt danh hiệu "
        f"{t.name} ({registrations.percent(t.reached_share)})."
        for t in rates.titles
    ]


def decided(session: Session, campaign: Campaign, first: date, last: date) -> list[tuple[str, int]]:
    """(award code, nominees) of the decisions issued in the period by the organiser and the
    units under it."""
    units = Org.of(session).below({campaign.organiser_unit_id})
    rows = session.exec(
        select(Decision.award_code, func.count(col(Nomination.id)))
        .join(Nomination, col(Nomination.decision_id) == Decision.id)
        .where(
            Decision.state == DecisionState.ISSUED,
            col(Decision.issuer_unit_id).in_(units),
            col(Decision.signed_on) >= first,
            col(Decision.signed_on) <= last,
        )
        .group_by(Decision.award_code)
    ).all()
    return sorted(rows)


def review_doc(session: Session, campaign: Campaign, review: str) -> CampaignDoc:
    organiser = session.get(Unit, campaign.organiser_unit_id)
    first, last = period(campaign, review)
    rules = rules_of(campaign, Org.of(session).tenant(organiser.id))
    what = REVIEWS[review]
    opening = [f"Thực hiện {campaign.name}, {organiser.name} báo cáo {what.lower()} như sau:"]
    if campaign.plan_number:
        opening[0] = (
            f"Thực hiện Kế hoạch số {campaign.plan_reference} {date_text(campaign.launched_on)} của "
            f"{organiser.name} phát động {campaign.name}, {organiser.name} báo cáo {what.lower()} như sau:"
        )
    held = [p for p in campaigning.phases(session, campaign.id) if p.ends_on and p.ends_on <= last]
    phases = [f"{p.name} ({_span(p)}){f': {p.theme}' if p.theme else ''}." for p in held]
    rates = registrations.rates(session, campaign.id)
    awards = [
        f"{rules.award(code).name}: {count} trường hợp." if code in rules.awards else f"{code}: {count}."
        for code, count in decided(session, campaign, first, last)
    ]
    results = (
        [f"Từ {first:%d/%m/%Y} đến {last:%d/%m/%Y} đã quyết định khen thưởng:", *awards] if awards else []
    )
    sections = _numbered(
        [
            ("CÔNG TÁC PHÁT ĐỘNG, ĐĂNG KÝ THI ĐUA", rate_sentences(rates)),
            ("CÁC ĐỢT THI ĐUA ĐÃ TỔ CHỨC", phases),
            ("KẾT QUẢ KHEN THƯỞNG", results + (reached_sentences(rates) if review == "tong_ket" else [])),
        ]
    )
    day = campaign.interim_review_on if review == "so_ket" else campaign.final_review_on
    return CampaignDoc(
        header=header(session, organiser, None, f"BC-{organiser.abbreviation}", day),
        summary=f"{what} {campaign.name}"
        + (f" 6 tháng đầu năm {campaign.year}" if review == "so_ket" else ""),
        opening=opening,
        sections=sections,
        recipients=_recipients(organiser),
        signature=signing_block(session, organiser, None, campaign.year, on_behalf=True),
    )


def _campaign(session: Session, campaign_id: int) -> Campaign:
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise NotFound(f"Không có phong trào thi đua #{campaign_id}")
    return campaign


def publish_plan(
    session: Session, actor: Actor, campaign_id: int, store: Store | None = None
) -> GeneratedDocument:
    """The numbered Kế hoạch phát động, written once."""
    campaign = _campaign(session, campaign_id)
    if campaign.plan_number is None:
        raise IllegalTransition(f"Phong trào #{campaign_id} chưa phát động: Kế hoạch chưa có số")
    content = render(
        "ke_hoach", plan_doc(session, campaign), Org.of(session).tenant(campaign.organiser_unit_id)
    )
    name = f"KH_{campaign.plan_number:02d}-{campaign.plan_symbol}.docx"
    return keep(session, actor, "ke_hoach", f"campaign:{campaign.id}", name, content, store)


def publish_review(
    session: Session, actor: Actor, campaign_id: int, review: str, store: Store | None = None
) -> GeneratedDocument:
    """The draft Báo cáo sơ kết or tổng kết, written once per campaign."""
    campaign = _campaign(session, campaign_id)
    content = render(
        "bao_cao_tong_ket",
        review_doc(session, campaign, review),
        Org.of(session).tenant(campaign.organiser_unit_id),
    )
    name = f"BC_{review}_{campaign.year}_{campaign.id}.docx"
    return keep(session, actor, f"bao_cao_{review}", f"campaign:{campaign.id}", name, content, store)
