"""Launching campaigns (phát động phong trào thi đua): an organiser's secretariat sets out the
campaign, its phases and targets and the awards it can lead to; launching it numbers its plan
(Kế hoạch phát động) in the organiser's KH register. Multi-year movements unlock, at their final
review (tổng kết), the awards the law ties to a campaign's length."""

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from models import audit, sight
from models.access import Actor
from models.campaigns import Campaign, CampaignKind, rules_of
from models.catalogue import UnknownAward
from models.decide import next_number
from models.errors import Forbidden, IllegalTransition, InvalidInput, NotFound
from models.org import Role, Unit
from models.text import nfc

PLAN = "KH"  # Kế hoạch: Decree 30/2020 App. III's abbreviation of the document type


@dataclass(frozen=True)
class Unlock:
    """An award the law lets a campaign lead to once it has run `years` years."""

    years: int
    article: str


# What a province's or ministry's campaign of n years unlocks when it is reviewed (sơ kết / tổng
# kết); the Government's flag and the higher orders need a campaign of the PM or the President
# (Art. 25(3), 42(1)(c)), which no tenant launches.
MOVEMENT_AWARDS = {
    "CO_TD_TINH": Unlock(3, "Law 06/2022 Art. 26(2)"),  # a thematic campaign of ≥ 3 years, at tổng kết
    "CO_TD_BO": Unlock(3, "Law 06/2022 Art. 26(2)"),
    "BK_TTG": Unlock(3, "Law 06/2022 Art. 73(4)(d)"),  # a collective, at sơ kết or tổng kết
    "HCLD3": Unlock(5, "Law 06/2022 Art. 44(1)(a), 44(4)(c)"),
}


def unlocked(campaign: Campaign) -> dict[str, str]:
    """The awards this campaign's review may propose beyond the yearly ones, with the article."""
    if campaign.kind not in (CampaignKind.MOVEMENT, CampaignKind.THEMATIC):
        return {}
    return {code: u.article for code, u in MOVEMENT_AWARDS.items() if campaign.years >= u.years}


def may_organise(actor: Actor, unit_id: int) -> bool:
    """The organiser's secretariat (Ban Thi đua - Khen thưởng) or authority sets out its campaigns
    (Law 06/2022 Art. 18)."""
    return actor.can(Role.SECRETARIAT, unit_id) or actor.can(Role.AUTHORITY, unit_id)


def _check_awards(campaign: Campaign) -> None:
    rules = rules_of(campaign)
    for code in campaign.awards:
        try:
            rules.award(code)
        except UnknownAward as unknown:
            raise InvalidInput(
                f"Không có danh hiệu, hình thức khen thưởng '{code}'", field="awards"
            ) from unknown
        unlock = MOVEMENT_AWARDS.get(code)
        if unlock and code not in unlocked(campaign) and campaign.kind is not CampaignKind.ANNUAL:
            raise InvalidInput(
                f"{rules.award(code).name} chỉ xét khi tổng kết phong trào từ {unlock.years:02d} năm "
                f"trở lên ({unlock.article}); phong trào này {campaign.years} năm",
                field="awards",
            )


def _check_dates(session: Session, campaign: Campaign) -> None:
    if campaign.starts_on and campaign.ends_on and campaign.ends_on < campaign.starts_on:
        raise InvalidInput("Ngày kết thúc trước ngày bắt đầu", field="ends_on")
    if campaign.last_year is not None and campaign.last_year < campaign.year:
        raise InvalidInput("Năm kết thúc phong trào trước năm bắt đầu", field="last_year")
    if campaign.kind is CampaignKind.MOVEMENT and campaign.last_year is None:
        raise InvalidInput("Phong trào nhiều năm cần năm kết thúc (last_year)", field="last_year")
    for field, day in (
        ("interim_review_on", campaign.interim_review_on),
        ("final_review_on", campaign.final_review_on),
    ):
        if day is not None and day < campaign.launched_on:
            raise InvalidInput("Ngày sơ kết, tổng kết trước ngày phát động", field=field)
    if campaign.kind is CampaignKind.PHASE and not (campaign.starts_on and campaign.ends_on):
        raise InvalidInput("Đợt thi đua cần ngày bắt đầu và ngày kết thúc", field="starts_on")
    if campaign.parent_id is None:
        return
    parent = session.get(Campaign, campaign.parent_id)
    if parent is None or parent.organiser_unit_id != campaign.organiser_unit_id:
        raise InvalidInput(f"Không có phong trào #{campaign.parent_id} của đơn vị", field="parent_id")
    first = parent.starts_on or date(parent.year, 1, 1)
    last = parent.ends_on or date(parent.last_year or parent.year, 12, 31)
    if (
        campaign.starts_on
        and campaign.ends_on
        and not (first <= campaign.starts_on <= campaign.ends_on <= last)
    ):
        raise InvalidInput(
            f"Đợt thi đua ({campaign.starts_on:%d/%m/%Y}–{campaign.ends_on:%d/%m/%Y}) nằm ngoài thời gian "
            f"của phong trào '{parent.name}' ({first:%d/%m/%Y}–{last:%d/%m/%Y})",
            field="starts_on",
        )


def create(session: Session, actor: Actor, campaign: Campaign) -> Campaign:
    """A new campaign of its organiser, its text NFC, checked: the award codes the catalogue
    knows, a movement long enough for the awards it names, a phase inside its parent's span."""
    organiser = session.get(Unit, campaign.organiser_unit_id)
    seen = sight.units(session, actor)
    if organiser is None or (seen is not None and organiser.id not in seen):
        raise NotFound(f"Không có đơn vị #{campaign.organiser_unit_id}")
    if not may_organise(actor, organiser.id):
        raise Forbidden(f"{actor.name} không có quyền phát động phong trào thi đua của {organiser.name}")
    campaign.name, campaign.theme = nfc(campaign.name).strip(), nfc(campaign.theme).strip()
    campaign.targets = [nfc(t).strip() for t in campaign.targets if t.strip()]
    campaign.awards = list(dict.fromkeys(campaign.awards))
    if not campaign.name:
        raise InvalidInput("Tên phong trào không được để trống", field="name")
    _check_dates(session, campaign)
    _check_awards(campaign)
    session.add(campaign)
    session.flush()
    audit.record(
        session, actor, "create_campaign", "campaign", campaign.id, data={"kind": str(campaign.kind)}
    )
    return campaign


def phases(session: Session, campaign_id: int) -> list[Campaign]:
    return list(
        session.exec(
            select(Campaign)
            .where(Campaign.parent_id == campaign_id)
            .order_by(col(Campaign.starts_on), col(Campaign.id))
        )
    )


def launch(session: Session, actor: Actor, campaign_id: int) -> Campaign:
    """Number the Kế hoạch phát động in the organiser's KH register for the launch year; a second
    launch finds it numbered and changes nothing (the flow that writes it may run twice)."""
    campaign = session.get(Campaign, campaign_id, with_for_update=True)
    if campaign is None:
        raise NotFound(f"Không có phong trào thi đua #{campaign_id}")
    if not (actor.system or may_organise(actor, campaign.organiser_unit_id)):
        raise Forbidden(f"{actor.name} không có quyền phát động phong trào #{campaign_id}")
    if campaign.plan_number is not None:
        if actor.system:
            return campaign
        raise IllegalTransition(
            f"Phong trào #{campaign_id} đã phát động: Kế hoạch số {campaign.plan_reference}"
        )
    organiser = session.get(Unit, campaign.organiser_unit_id)
    campaign.plan_number = next_number(session, organiser.id, campaign.launched_on.year, PLAN)
    campaign.plan_symbol = f"{PLAN}-{organiser.abbreviation}"
    session.add(campaign)
    audit.record(
        session, actor, "launch_campaign", "campaign", campaign.id, data={"plan": campaign.plan_reference}
    )
    return campaign
