"""Campaigns and registrations (/phong-trao): the campaigns a person's units take part in, a
campaign with its phases, documents and registration rates (launch it, write its sơ kết / tổng
kết); a unit's registration page (tick its people and collectives per title, send); the approver's
queue (approve, or return with the reason). Built on service/api/campaigns.py's functions."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session, col, select

from models import campaigning, lists, registrations
from models.access import Actor
from models.campaigns import BatchState, Campaign, CampaignKind, Registration, RegistrationBatch
from models.eligibility.load import staff_of
from models.errors import InvalidInput, NotFound
from models.org import Person, Unit
from models.routing import Org
from service.api import MAX_ID, PathId
from service.api import campaigns as api
from service.api import directory as api_directory
from service.deps import SessionDep
from service.web.pages import PageActor, PageRoute, go, render

router = APIRouter(prefix="/phong-trao", route_class=PageRoute)
REVIEW_LABELS = {"so_ket": "sơ kết", "tong_ket": "tổng kết"}
KINDS = {
    CampaignKind.ANNUAL: "Thường xuyên (hằng năm)",
    CampaignKind.THEMATIC: "Theo chuyên đề",
    CampaignKind.PHASE: "Đợt thi đua",
    CampaignKind.MOVEMENT: "Phong trào nhiều năm",
}
BATCH_STATES = {
    BatchState.SUBMITTED: "Chờ phê duyệt",
    BatchState.APPROVED: "Đã phê duyệt",
    BatchState.RETURNED: "Bị trả lại",
}
INDIVIDUAL, COLLECTIVE = ("LDTT", "CSTDCS"), ("TTLDTT", "TTLDXS")  # the titles a unit registers for


@router.get("", response_class=HTMLResponse)
def campaign_list(request: Request, session: SessionDep, actor: PageActor) -> Response:
    found = api_directory.campaigns(session, actor, lists.Paging(per_page=200))["items"]
    return render(request, "campaigns/list.html", campaigns=found, kinds=KINDS)


@router.get("/cho-duyet", response_class=HTMLResponse)
def approval_queue(request: Request, session: SessionDep, actor: PageActor) -> Response:
    """The units' registrations waiting for this person's approval."""
    batches = api.registration_queue(session, actor)
    names = {c.id: c.name for c in session.exec(select(Campaign))}
    return render(request, "campaigns/queue.html", batches=batches, names=names)


@router.post("/dang-ky/{batch_id}/quyet-dinh", response_class=HTMLResponse)
def decide(
    batch_id: PathId,
    request: Request,
    session: SessionDep,
    actor: PageActor,
    approve: Annotated[bool, Form()],
    version: Annotated[int, Form(ge=1, le=MAX_ID)],
    reason: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    done = api.decide(
        batch_id, api.DecisionIn(approve=approve, reason=reason, version=version), session, actor
    )
    message = f"Đã {'phê duyệt' if approve else 'trả lại'} đăng ký thi đua của {done.unit}."
    return go(request, "/phong-trao/cho-duyet", message)


@router.get("/{campaign_id}", response_class=HTMLResponse)
def detail(campaign_id: PathId, request: Request, session: SessionDep, actor: PageActor) -> Response:
    """The campaign, its phases and documents, its rates; what the person may do with it."""
    campaign = api.campaign_of(session, actor, campaign_id)
    return render(
        request,
        "campaigns/detail.html",
        c=campaign,
        kinds=KINDS,
        phases=api.phases(campaign_id, session, actor),
        files=api.campaign_files(campaign_id, session, actor),
        may_organise=campaigning.may_organise(actor, campaign.organiser.id),
        registering=registering_units(session, actor, campaign_id),
        rates=api.rates(campaign_id, session, actor),
    )


@router.post("/{campaign_id}/phat-dong", response_class=HTMLResponse)
def launch(campaign_id: PathId, request: Request, session: SessionDep, actor: PageActor) -> Response:
    done = api.launch(campaign_id, session, actor)
    return go(request, f"/phong-trao/{campaign_id}", f"Đã phát động: Kế hoạch số {done.plan_reference}.")


@router.post("/{campaign_id}/bao-cao", response_class=HTMLResponse)
def review(
    campaign_id: PathId,
    request: Request,
    session: SessionDep,
    actor: PageActor,
    review: Annotated[api.Review, Form()],
) -> Response:
    follow_up = api.review(campaign_id, api.ReviewIn(review=review), session, actor)
    written = "Đã lập" if follow_up.started else "Chưa lập được"
    return go(request, f"/phong-trao/{campaign_id}", f"{written} báo cáo {review_label(review)}.")


def review_label(review: str) -> str:
    return REVIEW_LABELS[review]


def registering_units(session: Session, actor: Actor, campaign_id: int) -> list[Unit]:
    """The grassroots units in the campaign's scope this person registers for."""
    campaign = session.get(Campaign, campaign_id)
    return [
        u for u in registrations.units_in_scope(session, campaign) if registrations.may_register(actor, u.id)
    ]


def _unit(session: Session, actor: Actor, campaign_id: int, unit_id: int) -> Unit:
    if unit_id not in {u.id for u in registering_units(session, actor, campaign_id)}:
        raise NotFound(f"Không có đơn vị #{unit_id} đăng ký trong phong trào #{campaign_id}")
    return session.get(Unit, unit_id)


@router.get("/{campaign_id}/dang-ky/{unit_id}", response_class=HTMLResponse)
def registration_page(
    campaign_id: PathId, unit_id: PathId, request: Request, session: SessionDep, actor: PageActor
) -> Response:
    """The unit's people and collectives with a box per title, ticked as registered before."""
    campaign = api.campaign_of(session, actor, campaign_id)
    unit = _unit(session, actor, campaign_id, unit_id)
    batch = session.exec(
        select(RegistrationBatch).where(
            RegistrationBatch.campaign_id == campaign_id, RegistrationBatch.unit_id == unit_id
        )
    ).first()
    ticked = set()
    if batch is not None:
        rows = session.exec(select(Registration).where(Registration.batch_id == batch.id))
        ticked = {(r.award_code, r.person_id or r.collective_id) for r in rows}
    people = session.exec(
        select(Person)
        .where(col(Person.id).in_(staff_of(session, unit_id, campaign.year)))
        .order_by(col(Person.full_name))
    ).all()
    parts = [Org.of(session).unit(u) for u in sorted(Org.of(session).below({unit_id}))]
    return render(
        request,
        "campaigns/register.html",
        c=campaign,
        unit=unit,
        batch=batch,
        people=people,
        parts=parts,
        ticked=ticked,
        batch_states=BATCH_STATES,
        individual=INDIVIDUAL,
        collective=COLLECTIVE,
    )


@router.post("/{campaign_id}/dang-ky/{unit_id}", response_class=HTMLResponse)
def register(
    campaign_id: PathId,
    unit_id: PathId,
    request: Request,
    session: SessionDep,
    actor: PageActor,
    chon: Annotated[list[str], Form(max_length=20_000)] = [],  # noqa: B006 (FastAPI copies it)
) -> Response:
    """Each ticked box is 'CODE:p:ID' (a person) or 'CODE:c:ID' (a collective)."""
    _unit(session, actor, campaign_id, unit_id)
    entries = []
    for value in chon:
        code, _, rest = value.partition(":")
        kind, _, key = rest.partition(":")
        if kind not in ("p", "c") or not key.isdigit() or int(key) > MAX_ID:
            raise InvalidInput(f"Ô đăng ký không hợp lệ: {value[:60]}", field="chon")
        subject = {"person_id": int(key)} if kind == "p" else {"collective_id": int(key)}
        entries.append(api.EntryIn(award_code=code, **subject))
    batch = api.register(campaign_id, api.RegisterIn(unit_id=unit_id, entries=entries), session, actor)
    return go(
        request,
        f"/phong-trao/{campaign_id}/dang-ky/{unit_id}",
        f"Đã gửi {batch.entries} đăng ký để phê duyệt.",
    )
