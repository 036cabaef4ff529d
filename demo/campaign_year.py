"""The demo province's campaign year: the Chairman's annual campaign launched with its Kế hoạch
phát động, its two phases (đợt 1 for 30/4–1/5, đợt 2 for 2/9), every grassroots unit in its scope
registering its people and parts (one returned for completion, then approved), the six-month
review (sơ kết, July) and the year-end one (tổng kết, after the decisions), and the rates.

Units are found generically (models/registrations.units_in_scope, their officers by role), so
units the province gains register without a line here."""

from datetime import date

from sqlalchemy import Engine
from sqlmodel import Session, select

from demo.province import TENANT, Demo
from document_templates.campaign_docs import rate_sentences, reached_sentences
from flows.runtime import step, unit_of_work
from flows.stages import campaign_plan_flow, final_review_flow, interim_review_flow
from models import campaigning, registrations
from models.access import Actor, load_actor
from models.campaigns import Campaign, CampaignKind
from models.eligibility.load import staff_of
from models.org import Role, RoleGrant
from models.registrations import Entry
from models.routing import Org

RETURNED = "Chưa đăng ký danh hiệu Tập thể lao động tiên tiến cho các phòng, đơn vị trực thuộc"


def _phases(year: int) -> list[tuple[str, str, date, date, date]]:
    return [
        (
            "Đợt 1: thi đua chào mừng kỷ niệm Ngày Giải phóng miền Nam, thống nhất đất nước 30/4 "
            "và Ngày Quốc tế Lao động 1/5",
            "Hoàn thành các chỉ tiêu quý I và tháng 4",
            date(year, 3, 20),
            date(year, 3, 26),
            date(year, 5, 1),
        ),
        (
            "Đợt 2: thi đua chào mừng kỷ niệm Cách mạng tháng Tám và Quốc khánh 2/9",
            "Hoàn thành vượt mức kế hoạch 8 tháng đầu năm",
            date(year, 7, 15),
            date(year, 7, 20),
            date(year, 9, 2),
        ),
    ]


def launch(demo: Demo, year: int, strong: set[int]) -> int:
    """The campaign and its phases created and launched (their Kế hoạch numbered, then written by
    the flow); the units' registrations, approved. `strong` are the people who also register for
    Chiến sĩ thi đua cơ sở."""
    with unit_of_work() as session:
        secretariat = load_actor(session, demo.roles[f"{TENANT}:secretariat"].id)
        province = demo.units[TENANT]
        campaign = campaigning.create(
            session,
            secretariat,
            Campaign(
                organiser_unit_id=province.id,
                name=f"Phong trào thi đua yêu nước năm {year} tỉnh Quảng Ngãi",
                kind=CampaignKind.ANNUAL,
                year=year,
                launched_on=date(year, 1, 15),
                closes_on=date(year, 12, 31),
                theme="Đoàn kết, kỷ cương, sáng tạo, hoàn thành xuất sắc nhiệm vụ chính trị được giao",
                targets=[
                    "100 % cơ quan, đơn vị đăng ký thi đua",
                    "Trên 90 % cán bộ, công chức, viên chức đăng ký danh hiệu Lao động tiên tiến",
                    "100 % cơ quan, đơn vị hoàn thành kế hoạch cải cách hành chính năm",
                ],
                awards=["LDTT", "CSTDCS", "TTLDTT", "TTLDXS", "CSTD_TINH", "BK_TINH", "CO_TD_TINH"],
                interim_review_on=date(year, 7, 10),
                final_review_on=date(year + 1, 1, 20),
            ),
        )
        launched = [campaign.id]
        for name, theme, launched_on, starts_on, ends_on in _phases(year):
            phase = campaigning.create(
                session,
                secretariat,
                Campaign(
                    organiser_unit_id=province.id,
                    name=name,
                    kind=CampaignKind.PHASE,
                    year=year,
                    parent_id=campaign.id,
                    theme=theme,
                    launched_on=launched_on,
                    starts_on=starts_on,
                    ends_on=ends_on,
                ),
            )
            launched.append(phase.id)
        for campaign_id in launched:
            campaigning.launch(session, secretariat, campaign_id)
    for campaign_id in launched:
        step(campaign_plan_flow, campaign_id)
    register(demo, launched[0], strong)
    return launched[0]


def officer_of(session: Session, unit_id: int) -> Actor | None:
    grant = session.exec(
        select(RoleGrant).where(RoleGrant.unit_id == unit_id, RoleGrant.role == Role.UNIT_OFFICER)
    ).first()
    return load_actor(session, grant.person_id) if grant else None


def register(demo: Demo, campaign_id: int, strong: set[int]) -> None:
    """Every unit in scope with an officer registers its staff for Lao động tiên tiến (the strong
    for Chiến sĩ thi đua cơ sở too) and its parts for Tập thể lao động tiên tiến; the first
    forgets its parts, is returned, and sends them again; the province's secretariat approves."""
    with unit_of_work() as session:
        campaign = session.get(Campaign, campaign_id)
        approver = load_actor(session, demo.roles[f"{TENANT}:secretariat"].id)
        org = Org.of(session)
        for i, unit in enumerate(registrations.units_in_scope(session, campaign)):
            officer = officer_of(session, unit.id)
            if officer is None:
                continue
            people = sorted(staff_of(session, unit.id, campaign.year))
            entries = [Entry("LDTT", person_id=p) for p in people]
            entries += [Entry("CSTDCS", person_id=p) for p in people if p in strong]
            parts = [Entry("TTLDTT", collective_id=u) for u in sorted(org.below({unit.id}) - {unit.id})]
            batch = registrations.register(
                session, officer, campaign.id, unit.id, entries if i == 0 else entries + parts
            )
            if i == 0:
                registrations.decide(session, approver, batch.id, False, RETURNED)
                batch = registrations.register(session, officer, campaign.id, unit.id, entries + parts)
            registrations.decide(session, approver, batch.id, True)


def interim_review(campaign_id: int) -> None:
    step(interim_review_flow, campaign_id)


def final_review(campaign_id: int) -> None:
    step(final_review_flow, campaign_id)


def rate_lines(engine: Engine) -> list[str]:
    """The registration rates of the demo's annual campaigns, for the season's summary."""
    with Session(engine) as session:
        annual = session.exec(select(Campaign).where(Campaign.kind == CampaignKind.ANNUAL)).all()
        lines = []
        for campaign in annual:
            rates = registrations.rates(session, campaign.id)
            lines += ["", f"Đăng ký thi đua — {campaign.name}:"]
            lines += [f"  {line}" for line in rate_sentences(rates) + reached_sentences(rates)]
        return lines
