"""The secretariat's pages (Cơ quan thường trực Hội đồng Thi đua - Khen thưởng): the intake queue,
accepting, returning and rejecting dossiers one by one or in bulk.

Each form calls the function its JSON route calls (service/api/*.py). A bulk step is all or none,
as POST /api/v1/nominations/actions/{action} is; when the domain refuses one, nothing changes and
the page says which were refused and why (`refusals`). The council's sessions are in
service/web/meetings.py, the season's dashboard in service/web/season.py."""

from collections.abc import Callable
from functools import partial
from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlmodel import Session

from models import lists
from models import workflow as domain
from models.access import Actor, today
from models.errors import DomainError, Forbidden, NotFound
from models.nominations import State
from models.org import Role
from models.route import LABELS
from service.api import MAX_ID, PathId
from service.api import cases as cases_api
from service.api import directory as directory_api
from service.api import workflow as workflow_api
from service.api.lists import PagingDep, as_page
from service.deps import SessionDep
from service.web.pages import PageActor, PageRoute, go, invalid, render

router = APIRouter(route_class=PageRoute)
HOME = "/thu-ky"
INTAKE_STEPS = ("accept", "return", "reject")  # the secretariat's steps on what was submitted to it
IntakeStep = Literal[INTAKE_STEPS]
FIELDS = {
    "nomination_ids": "Hồ sơ được chọn",
    "reason": "Lý do",
    "council_id": "Hội đồng",
    "held_at": "Thời gian họp",
    "place": "Địa điểm",
    "chair_id": "Chủ trì",
    "secretary_id": "Thư ký",
    "campaign_id": "Đợt thi đua",
    "member_id": "Ủy viên",
}
Ids = Annotated[list[int], Form()]  # bounded as the API bounds them (workflow_api.Batch)
Reason = Annotated[str, Form(max_length=2000)]


def secretariat(actor: PageActor) -> Actor:
    """These pages are for who serves as a secretariat somewhere (or administers); the domain
    still checks, step by step, that they serve the unit concerned."""
    if actor.is_admin or {Role.SECRETARIAT, Role.SECRETARIAT_HEAD} & {role for role, _ in actor.grants}:
        return actor
    raise Forbidden(f"{actor.name} không phải cơ quan thường trực Hội đồng Thi đua - Khen thưởng (forbidden)")


Secretariat = Annotated[Actor, Depends(secretariat)]


def refused(session: Session, error: Exception, show: Callable[..., Response]) -> Response:
    """The form's page again with why the step was refused: invalid input (422), or the domain's
    refusal with its status, once what the step began is undone."""
    if isinstance(error, ValidationError):
        return show(422, error=invalid(error, FIELDS))
    session.rollback()
    return show(error.status, error=error.message)


# ---------------------------------------------------------------------------------- the intake


# A filter left empty in the form comes as an empty text: no filter.
TEXT = r"^[^\x00-\x1f\x7f]*$"
DUE_FILTER = {"": None, "qua-han": True, "con-han": False}


def intake_filters(
    q: Annotated[str, Query(max_length=100, pattern=TEXT)] = "",
    award: Annotated[str, Query(max_length=20, pattern=TEXT)] = "",
    han: Annotated[Literal[tuple(DUE_FILTER)], Query()] = "",
) -> lists.Filters:
    """The queue's filters, those of GET /api/v1/nominations: the nominee's name, the award, and
    overdue or not."""
    return lists.Filters(q=q.strip() or None, award=award or None, overdue=DUE_FILTER[han])


FiltersDep = Annotated[lists.Filters, Depends(intake_filters)]


def intake_queue(session: Session, actor: Actor, filters: lists.Filters, paging: lists.Paging) -> dict:
    """GET /api/v1/queues/intake's queue (the earliest due first), narrowed by the filters of
    GET /api/v1/nominations."""
    day = today()
    paging.sort = lists.QUEUE_ORDER.sort
    where = [*lists.intake(actor), *lists.conditions(session, filters, day)]
    return as_page(*lists.page(session, where, paging, day), paging)


def intake_page(
    request: Request,
    session: Session,
    actor: Actor,
    filters: lists.Filters,
    paging: lists.Paging,
    status: int = 200,
    **context,
) -> Response:
    shown = {k: v for k, v in request.query_params.items() if k in ("q", "award", "han") and v}
    return render(
        request,
        "secretariat/intake.html",
        status,
        queue=intake_queue(session, actor, filters, paging),
        shown=shown,
        awards=directory_api.awards(session, actor),
        bulk_url=f"{HOME}/tiep-nhan?{request.url.query}" if request.url.query else f"{HOME}/tiep-nhan",
        list_url=f"{HOME}?{urlencode(shown)}" if shown else HOME,
        steps={a: LABELS[a] for a in INTAKE_STEPS},
        **context,
    )


@router.get(HOME, response_class=HTMLResponse)
def intake(
    request: Request, session: SessionDep, actor: Secretariat, filters: FiltersDep, paging: PagingDep
) -> Response:
    """Hồ sơ chờ tiếp nhận: what was submitted to the caller's units, the overdue first."""
    return intake_page(request, session, actor, filters, paging)


def refusals(session: Session, actor: Actor, ids: list[int], action: str, reason: str) -> dict[int, str]:
    """Which nominations of a refused batch the domain refuses, and why: the batch's steps taken
    again in its order, each in a savepoint (so that one refused does not hide the next), then
    all undone."""
    found = {}
    for n in workflow_api.nominations(session, actor, ids):
        try:
            with session.begin_nested():
                domain.apply(session, n, action, actor, reason=reason)
        except DomainError as error:
            found[n.id] = error.message
    session.rollback()
    return found


@router.post(f"{HOME}/tiep-nhan", response_class=HTMLResponse)
def act_on_many(
    request: Request,
    session: SessionDep,
    actor: Secretariat,
    filters: FiltersDep,
    paging: PagingDep,
    action: Annotated[IntakeStep, Form()],
    nomination_ids: Ids = [],  # noqa: B006 (FastAPI copies it)
    reason: Reason = "",
) -> Response:
    """The same step for every dossier ticked, all or none (POST /api/v1/nominations/actions/…)."""
    chosen = {"chosen": set(nomination_ids), "reason": reason, "action": action}
    show = partial(intake_page, request, session, actor, filters, paging, **chosen)
    try:
        body = workflow_api.Steps(nomination_ids=nomination_ids, reason=reason)
        done = workflow_api.act_on_batch(action, body, session, actor)
    except ValidationError as error:
        return refused(session, error, show)
    except DomainError as error:
        session.rollback()
        if isinstance(error, NotFound):  # an id out of sight: nothing to tell about the others
            return show(error.status, error=error.message)
        which = refusals(session, actor, body.nomination_ids, action, reason)
        count = f"{len(which)}/{len(body.nomination_ids)}"
        message = f"Không hồ sơ nào được xử lý (nothing changed): {count} hồ sơ bị từ chối."
        return show(error.status, error=message, refused=which)
    back = f"{HOME}?{request.url.query}" if request.url.query else HOME
    return go(request, back, f"{LABELS[action]}: {len(done)} hồ sơ.")


def step_page(
    request: Request, session: Session, actor: Actor, nomination_id: int, status: int = 200, **context
):
    case = cases_api.nomination(nomination_id, session, actor)
    actions = [a for a in case.actions if a.action in INTAKE_STEPS]
    state = State(case.state)
    return render(
        request, "secretariat/step.html", status, case=case, state=state, actions=actions, **context
    )


@router.get(f"{HOME}/tiep-nhan/{{nomination_id}}", response_class=HTMLResponse)
def one(request: Request, session: SessionDep, actor: Secretariat, nomination_id: PathId) -> Response:
    """One dossier of the queue with the intake steps the caller may take on it."""
    return step_page(request, session, actor, nomination_id)


@router.post(f"{HOME}/tiep-nhan/{{nomination_id}}/{{action}}", response_class=HTMLResponse)
def act_on_one(
    request: Request,
    session: SessionDep,
    actor: Secretariat,
    nomination_id: PathId,
    action: IntakeStep,
    reason: Reason = "",
    version: Annotated[int | None, Form(ge=1, le=MAX_ID)] = None,
) -> Response:
    """As POST /api/v1/nominations/{id}/{action}, against the version the page showed."""
    try:
        body = workflow_api.StepBody(reason=reason, version=version)
        workflow_api.act(nomination_id, action, body, session, actor)
    except (ValidationError, DomainError) as error:
        return refused(
            session, error, partial(step_page, request, session, actor, nomination_id, reason=reason)
        )
    return go(request, HOME, f"{LABELS[action]}: hồ sơ #{nomination_id}.")
