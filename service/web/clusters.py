"""Cụm, khối thi đua (/cum-thi-dua): the clusters one sees, a cluster's members and leaders by
year, and a year's page — the covenant and its signatures, the scores table and ranking, the vote
and its result, the papers — with the steps the caller may take; a member's scoring form. Built
on the API's functions (service/api/clusters.py); refusals show on the page with the API's status."""

from typing import Annotated, Literal

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlmodel import Session

from models import cluster_year as cy
from models.access import Actor
from models.clusters import Phase
from models.errors import DomainError
from service.api import MAX_ID, PathId
from service.api import clusters as api
from service.api.documents import generated_files
from service.deps import SessionDep
from service.web.pages import PageActor, PageRoute, go, render, templates

router = APIRouter(route_class=PageRoute)
templates.env.globals["PHASES"] = {p.value: p.label for p in Phase}
HERE = "/cum-thi-dua"
YEAR = HERE + "/nam/{covenant_id}"
Ids = Annotated[list[int], Form()]
Day = Annotated[str, Form(max_length=10)]
ORGANISER_STEPS = {
    "scoring": "Mở chấm điểm",
    "vote": "Mở bỏ phiếu suy tôn",
    "close": "Kết thúc bỏ phiếu, công bố",
}


@router.get(HERE, response_class=HTMLResponse)
def index(request: Request, session: SessionDep, actor: PageActor) -> Response:
    """The clusters and blocks whose organiser one sees."""
    return render(request, "clusters/index.html", clusters=api.list_clusters(session, actor), current=HERE)


@router.get(HERE + "/{cluster_id}", response_class=HTMLResponse)
def cluster(request: Request, cluster_id: PathId, session: SessionDep, actor: PageActor) -> Response:
    """Members with their dates and turn, the leader and deputy of each year, the years' covenants."""
    found = api.detail(session, cy.get_cluster(session, actor, cluster_id))
    names = {m["unit_id"]: m["name"] for m in found["members"]}
    return render(request, "clusters/cluster.html", cluster=found, names=names, current=HERE)


def my_units(session: Session, actor: Actor, cluster, day) -> list[int]:
    """The member units the caller acts for."""
    return [
        m.unit_id
        for m in cy.members(session, cluster.id, day)
        if any(actor.can(r, m.unit_id) for r in cy.MEMBER_ROLES)
    ]


def year_page(
    request: Request, session: Session, actor: Actor, covenant_id: int, status: int = 200, error: str = ""
):
    view = api.covenant_view(session, actor, covenant_id)
    covenant, cluster = cy.covenant_of(session, actor, covenant_id)
    return render(
        request,
        "clusters/year.html",
        status,
        year=view,
        cluster=cluster,
        organises=cy.organises(session, actor, cluster, covenant.year),
        mine=my_units(session, actor, cluster, cy.year_end(covenant)),
        names={s["unit_id"]: s["name"] for s in view["standings"]},
        files=generated_files(session, actor, "covenant", covenant_id),
        steps=ORGANISER_STEPS,
        error=error,
        current=HERE,
    )


def refused(request: Request, session: Session, actor: Actor, covenant_id: int, error: Exception) -> Response:
    session.rollback()
    if isinstance(error, ValidationError):
        return year_page(
            request, session, actor, covenant_id, 422, "; ".join(e["msg"] for e in error.errors())
        )
    return year_page(request, session, actor, covenant_id, error.status, error.message)


@router.get(YEAR, response_class=HTMLResponse)
def year(request: Request, covenant_id: PathId, session: SessionDep, actor: PageActor) -> Response:
    return year_page(request, session, actor, covenant_id)


@router.get(YEAR + "/cham-diem", response_class=HTMLResponse)
def scoring_form(request: Request, covenant_id: PathId, session: SessionDep, actor: PageActor) -> Response:
    """A member's scoring form: every member (itself first) on every criterion, up to its maximum."""
    view = api.covenant_view(session, actor, covenant_id)
    covenant, cluster = cy.covenant_of(session, actor, covenant_id)
    by = cy.acting_for(session, actor, cluster, cy.year_end(covenant), None)
    members = sorted(view["standings"], key=lambda s: s["unit_id"] != by)
    return render(request, "clusters/scoring.html", year=view, by=by, members=members, current=HERE)


@router.post(YEAR + "/ky", response_class=HTMLResponse)
def sign(
    request: Request, covenant_id: PathId, session: SessionDep, actor: PageActor, signed_on: Day
) -> Response:
    try:
        api.sign(covenant_id, api.SignIn(signed_on=signed_on), session, actor)
    except (ValidationError, DomainError) as error:
        return refused(request, session, actor, covenant_id, error)
    return go(request, YEAR.format(covenant_id=covenant_id), "Đơn vị đã ký giao ước thi đua.")


@router.post(YEAR + "/cham-diem", response_class=HTMLResponse)
def score(
    request: Request,
    covenant_id: PathId,
    session: SessionDep,
    actor: PageActor,
    unit_id: Annotated[int, Form(ge=1, le=MAX_ID)],
    criterion_id: Ids,
    points: Annotated[list[float], Form()],
) -> Response:
    """One member's scores, as POST /api/v1/covenants/{id}/scores."""
    try:
        body = api.ScoreIn(
            unit_id=unit_id, points={str(c): p for c, p in zip(criterion_id, points, strict=False)}
        )
        api.score(covenant_id, body, session, actor)
    except (ValidationError, DomainError) as error:
        return refused(request, session, actor, covenant_id, error)
    return go(request, YEAR.format(covenant_id=covenant_id) + "/cham-diem", "Đã ghi điểm.")


@router.post(YEAR + "/tham-dinh", response_class=HTMLResponse)
def verify(
    request: Request,
    covenant_id: PathId,
    session: SessionDep,
    actor: PageActor,
    unit_id: Annotated[int, Form(ge=1, le=MAX_ID)],
    criterion_id: Annotated[int, Form(ge=1, le=MAX_ID)],
    points: Annotated[float, Form(ge=0, le=1000)],
    note: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    try:
        body = api.VerifyIn(unit_id=unit_id, criterion_id=criterion_id, points=points, note=note)
        api.verify(covenant_id, body, session, actor)
    except (ValidationError, DomainError) as error:
        return refused(request, session, actor, covenant_id, error)
    return go(request, YEAR.format(covenant_id=covenant_id), "Đã ghi điểm thẩm định.")


@router.post(YEAR + "/buoc", response_class=HTMLResponse)
def organiser_step(
    request: Request,
    covenant_id: PathId,
    session: SessionDep,
    actor: PageActor,
    action: Annotated[Literal[tuple(ORGANISER_STEPS)], Form()],
    review_on: Day = "",
    present: Ids = [],  # noqa: B006 (FastAPI copies it)
) -> Response:
    """The organiser's steps of the year: open the scoring, open the vote (who is present), close it."""
    try:
        if action == "scoring":
            api.open_scoring(covenant_id, session, actor)
        elif action == "vote":
            api.open_vote(covenant_id, api.VoteOpenIn(review_on=review_on, present=present), session, actor)
        else:
            api.close(covenant_id, session, actor)
    except (ValidationError, DomainError) as error:
        return refused(request, session, actor, covenant_id, error)
    return go(request, YEAR.format(covenant_id=covenant_id), f"Đã thực hiện: {ORGANISER_STEPS[action]}.")


@router.post(YEAR + "/bo-phieu", response_class=HTMLResponse)
def ballot(
    request: Request,
    covenant_id: PathId,
    session: SessionDep,
    actor: PageActor,
    choices: Ids = [],  # noqa: B006 (FastAPI copies it)
) -> Response:
    """A member's secret ballot, as POST /api/v1/covenants/{id}/ballots."""
    try:
        api.cast(covenant_id, api.BallotIn(choices=choices), session, actor)
    except (ValidationError, DomainError) as error:
        return refused(request, session, actor, covenant_id, error)
    return go(request, YEAR.format(covenant_id=covenant_id), "Đã bỏ phiếu kín.")
