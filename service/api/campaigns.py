"""Campaigns and registrations: the organiser's secretariat creates and launches a campaign (its
Kế hoạch phát động written by a flow) and its phases; each unit's officer registers its people and
collectives for titles; the level above approves or returns; the rates; the sơ kết / tổng kết
reports, written by a flow. Role-scoped in models/campaigning.py and models/registrations.py."""

from datetime import date, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlmodel import Session, col, select

from models import campaigning, excel, registrations
from models.access import Actor, today
from models.campaigns import Campaign, CampaignKind, Registration, RegistrationBatch
from models.errors import Forbidden
from models.org import Person, Unit
from models.route import Flow
from models.text import NFCStr
from models.uploads import XLSX
from service.api import PathId, RowId, directory, refusals
from service.api.directory import CampaignOut
from service.api.documents import FileOut, attachment, generated_files
from service.api.workflow import FollowUp, start
from service.auth import ActorDep
from service.deps import SessionDep

router = APIRouter(
    prefix="/api/v1", tags=["campaigns"], responses=refusals(400, 401, 403, 404, 409, 413, 422)
)
REVIEW_FLOWS = {"so_ket": Flow.INTERIM_REVIEW, "tong_ket": Flow.FINAL_REVIEW}
Review = Literal["so_ket", "tong_ket"]


class CampaignIn(BaseModel):
    organiser_unit_id: RowId
    name: NFCStr = Field(max_length=300)
    kind: CampaignKind = CampaignKind.ANNUAL
    year: int = Field(ge=1945, le=2100)
    launched_on: date
    closes_on: date | None = None
    parent_id: RowId | None = None
    theme: NFCStr = Field(default="", max_length=500)
    starts_on: date | None = None
    ends_on: date | None = None
    last_year: int | None = Field(default=None, ge=1945, le=2100)
    targets: list[NFCStr] = Field(default=[], max_length=50)
    awards: list[Annotated[str, Field(max_length=20)]] = Field(default=[], max_length=50)
    interim_review_on: date | None = None
    final_review_on: date | None = None


def campaign_of(session: Session, actor: Actor, campaign_id: int) -> CampaignOut:
    """The campaign as GET /campaigns/{id} answers it (404 out of the caller's sight)."""
    return CampaignOut.model_validate(directory.campaign(campaign_id, session, actor))


@router.post("/campaigns", status_code=201, response_model=CampaignOut)
def create_campaign(body: CampaignIn, session: SessionDep, actor: ActorDep) -> CampaignOut:
    """A campaign, a phase (with `parent_id`) or a multi-year movement of the organiser, by its
    secretariat; read back with GET /campaigns/{id}."""
    campaign = campaigning.create(session, actor, Campaign(**body.model_dump()))
    campaign_id = campaign.id
    session.commit()
    return campaign_of(session, actor, campaign_id)


@router.get("/campaigns/{campaign_id}/phases", response_model=list[CampaignOut])
def phases(campaign_id: PathId, session: SessionDep, actor: ActorDep) -> list[CampaignOut]:
    """The campaign's phases (đợt thi đua), by their start."""
    campaign_of(session, actor, campaign_id)
    found = [directory.campaign(p.id, session, actor) for p in campaigning.phases(session, campaign_id)]
    return [CampaignOut.model_validate(p) for p in found]


@router.get("/campaigns/{campaign_id}/files", response_model=list[FileOut])
def campaign_files(campaign_id: PathId, session: SessionDep, actor: ActorDep) -> list[FileOut]:
    """Its Kế hoạch phát động (ke_hoach) and review reports (bao_cao_so_ket, bao_cao_tong_ket)."""
    campaign_of(session, actor, campaign_id)
    return generated_files(session, actor, "campaign", campaign_id)


class Launched(CampaignOut):
    follow_up: FollowUp | None = None


@router.post("/campaigns/{campaign_id}/launch", response_model=Launched)
def launch(campaign_id: PathId, session: SessionDep, actor: ActorDep) -> Launched:
    """Number the Kế hoạch phát động in the organiser's KH register; a flow writes it."""
    campaign_of(session, actor, campaign_id)
    campaigning.launch(session, actor, campaign_id)
    session.commit()  # read nothing more before the flow: on SQLite a new transaction would lock
    follow_up = start(Flow.CAMPAIGN_PLAN, campaign_id)
    return Launched(**campaign_of(session, actor, campaign_id).model_dump(), follow_up=follow_up)


class ReviewIn(BaseModel):
    review: Review = Field(description="so_ket (six months) or tong_ket (year end)")


@router.post("/campaigns/{campaign_id}/reviews", status_code=202, response_model=FollowUp)
def review(campaign_id: PathId, body: ReviewIn, session: SessionDep, actor: ActorDep) -> FollowUp:
    """Write the draft Báo cáo sơ kết or tổng kết, pre-filled (the organiser's secretariat)."""
    campaign = campaign_of(session, actor, campaign_id)
    if not campaigning.may_organise(actor, campaign.organiser.id):
        raise Forbidden(f"{actor.name} không lập báo cáo của phong trào #{campaign_id}")
    session.commit()  # end the read before the flow writes (SQLite)
    return start(REVIEW_FLOWS[body.review], campaign_id)


# ---------------------------------------------------------------------------- registrations


class EntryIn(BaseModel):
    award_code: str = Field(max_length=20)
    person_id: RowId | None = None
    collective_id: RowId | None = None


class RegisterIn(BaseModel):
    unit_id: RowId
    entries: list[EntryIn] = Field(max_length=20_000)


class BatchOut(BaseModel):
    id: int
    campaign_id: int
    unit_id: int
    unit: str
    state: str
    reason: str
    version: int
    entries: int
    submitted_at: datetime
    decided_at: datetime | None


def batch_out(session: Session, b: RegistrationBatch) -> BatchOut:
    count = len(session.exec(select(Registration.id).where(Registration.batch_id == b.id)).all())
    return BatchOut(
        **{name: getattr(b, name) for name in BatchOut.model_fields if hasattr(b, name) and name != "unit"},
        unit=session.get(Unit, b.unit_id).name,
        entries=count,
    )


class DecisionIn(BaseModel):
    approve: bool
    reason: NFCStr = Field(default="", max_length=1000)
    version: int | None = Field(default=None, ge=1, description="the version the approver saw (409 if stale)")


@router.post("/campaigns/{campaign_id}/registrations", status_code=201, response_model=BatchOut)
def register(campaign_id: PathId, body: RegisterIn, session: SessionDep, actor: ActorDep) -> BatchOut:
    """The unit's registrations, in bulk, replacing what it sent before approval."""
    campaign_of(session, actor, campaign_id)
    entries = [registrations.Entry(**e.model_dump()) for e in body.entries]
    batch = registrations.register(session, actor, campaign_id, body.unit_id, entries)
    session.commit()
    return batch_out(session, batch)


REG_HEADERS = [
    ("Đơn vị", "", 30),
    ("Cá nhân, tập thể", "", 30),
    ("Mã danh hiệu", "", 14),
    ("Trạng thái", "", 14),
]


@router.get(
    "/campaigns/{campaign_id}/registrations",
    response_model=list[BatchOut],
    responses={200: {"content": {"application/json": {}, XLSX: {}}}},
)
def list_registrations(
    campaign_id: PathId,
    session: SessionDep,
    actor: ActorDep,
    format: Annotated[
        Literal["json", "xlsx"], Query(description="json, or every registration as .xlsx")
    ] = "json",
) -> list[BatchOut] | Response:
    """The units' registration batches the caller may see (their own unit's, or those they approve)."""
    campaign_of(session, actor, campaign_id)
    batches = [
        b
        for b in session.exec(
            select(RegistrationBatch)
            .where(RegistrationBatch.campaign_id == campaign_id)
            .order_by(col(RegistrationBatch.id))
        )
        if registrations.may_register(actor, b.unit_id) or registrations.may_approve(session, actor, b)
    ]
    if format == "json":
        return [batch_out(session, b) for b in batches]
    states = {b.id: b.state.value for b in batches}
    rows = [
        [
            session.get(Unit, r.unit_id).name,
            session.get(Person, r.person_id).full_name
            if r.person_id
            else session.get(Unit, r.collective_id).name,
            r.award_code,
            states[r.batch_id],
        ]
        for r in session.exec(
            select(Registration).where(col(Registration.batch_id).in_(states)).order_by(col(Registration.id))
        )
    ]
    return attachment(
        excel.table("Đăng ký thi đua", REG_HEADERS, rows), f"dang_ky_{today():%Y%m%d}.xlsx", XLSX
    )


@router.get("/registration-queue", response_model=list[BatchOut])
def registration_queue(session: SessionDep, actor: ActorDep) -> list[BatchOut]:
    """The registration batches waiting for the caller's approval."""
    return [batch_out(session, b) for b in registrations.queue(session, actor)]


@router.post("/registrations/{batch_id}/decision", response_model=BatchOut)
def decide(batch_id: PathId, body: DecisionIn, session: SessionDep, actor: ActorDep) -> BatchOut:
    """Approve the unit's registrations, or return them with the reason."""
    batch = registrations.decide(session, actor, batch_id, body.approve, body.reason, body.version)
    session.commit()
    return batch_out(session, batch)


class TitleRateOut(BaseModel):
    code: str
    name: str
    collective: bool
    registered: int
    reached: int
    share_of_staff: str
    reached_share: str


class RatesOut(BaseModel):
    year: int
    units_in_scope: int
    units_registered: int
    units_share: str
    staff: int
    titles: list[TitleRateOut]


def rates_out(r: registrations.Rates) -> RatesOut:
    pct = registrations.percent
    return RatesOut(
        year=r.year,
        units_in_scope=r.units_in_scope,
        units_registered=r.units_registered,
        units_share=pct(r.units_share),
        staff=r.staff,
        titles=[
            TitleRateOut(
                **{k: getattr(t, k) for k in ("code", "name", "collective", "registered", "reached")},
                share_of_staff=pct(r.people_share(t)),
                reached_share=pct(t.reached_share),
            )
            for t in r.titles
        ],
    )


@router.get("/campaigns/{campaign_id}/rates", response_model=RatesOut)
def rates(campaign_id: PathId, session: SessionDep, actor: ActorDep) -> RatesOut:
    """Units registered of those in scope, people registered per title, registered who reached it."""
    campaign_of(session, actor, campaign_id)
    return rates_out(registrations.rates(session, campaign_id))
