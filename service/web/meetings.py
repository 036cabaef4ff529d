"""The secretariat's pages for the council's sessions (phiên họp Hội đồng): convening one with
its agenda of accepted dossiers, adding to the agenda, recording who attends or sends a written
opinion, and ending the voting, after which the tally follows. Each form calls the function its
JSON route calls (POST /api/v1/council-sessions and what follows it)."""

from datetime import datetime
from functools import partial
from typing import Annotated, Literal

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlmodel import Session, col, select

from models import lists, sight, voting
from models.access import Actor, today
from models.councils import Attendance, SessionItem
from models.errors import DomainError
from models.guards import VIETNAM
from models.nominations import Nomination, State
from models.route import COUNCIL_SESSION
from service.api import MAX_ID, PathId
from service.api import directory as directory_api
from service.api import lists as lists_api
from service.api import workflow as workflow_api
from service.api.lists import PagingDep
from service.deps import SessionDep
from service.web.pages import PageRoute, go, render
from service.web.secretariat import HOME, Ids, Secretariat, refused

router = APIRouter(route_class=PageRoute)
SESSIONS = f"{HOME}/phien-hop"


def accepted(session: Session, actor: Actor, unit_id: int) -> list[dict]:
    """The dossiers accepted at a council's unit, waiting for a session's agenda."""
    paging = lists.Paging(per_page=200)
    return lists_api.nominations(session, actor, paging, handling_unit_id=unit_id, state=[State.ACCEPTED])[
        "items"
    ]


@router.get(SESSIONS, response_class=HTMLResponse)
def sessions(request: Request, session: SessionDep, actor: Secretariat, paging: PagingDep) -> Response:
    """The meetings of the councils the caller serves, the newest first."""
    meetings = lists_api.council_sessions(session, actor, paging)
    return render(request, "secretariat/sessions.html", meetings=meetings)


def new_session_page(
    request: Request, session: Session, actor: Actor, council_id: int | None, status: int = 200, **context
) -> Response:
    councils = directory_api.councils(session, actor, lists.Paging(per_page=200))["items"]
    if council_id is None and len(councils) == 1:
        council_id = councils[0]["id"]
    council = directory_api.council(council_id, session, actor) if council_id else None
    return render(
        request,
        "secretariat/session_new.html",
        status,
        councils=councils,
        council=council,
        candidates=accepted(session, actor, council["unit"].id) if council else [],
        campaigns=directory_api.campaigns(session, actor, lists.Paging(per_page=50))["items"],
        form=context.pop("form", {}),
        **context,
    )


@router.get(f"{SESSIONS}/moi", response_class=HTMLResponse)
def new_session(
    request: Request,
    session: SessionDep,
    actor: Secretariat,
    council_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> Response:
    """Triệu tập phiên họp: the council first (its members chair and take the minutes), then the
    meeting and the accepted dossiers on its agenda."""
    return new_session_page(request, session, actor, council_id)


def held_at(value: str) -> datetime | str:
    """A meeting's time as the form's field gives it (no time zone): in Vietnam's time."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value  # the model's validation names the field
    return moment if moment.tzinfo else moment.replace(tzinfo=VIETNAM)


@router.post(SESSIONS, response_class=HTMLResponse)
def open_session(
    request: Request,
    session: SessionDep,
    actor: Secretariat,
    council_id: Annotated[int, Form(ge=1, le=MAX_ID)],
    held: Annotated[str, Form(alias="held_at", max_length=40)] = "",
    place: Annotated[str, Form(max_length=300)] = "",
    chair_id: Annotated[int | None, Form(ge=1, le=MAX_ID)] = None,
    secretary_id: Annotated[int | None, Form(ge=1, le=MAX_ID)] = None,
    campaign_id: Annotated[int | None, Form(ge=1, le=MAX_ID)] = None,
    nomination_ids: Ids = [],  # noqa: B006 (FastAPI copies it)
) -> Response:
    """As POST /api/v1/council-sessions: the meeting and its agenda, in one step."""
    fields = {
        "council_id": council_id,
        "held_at": held_at(held),
        "place": place,
        "chair_id": chair_id,
        "secretary_id": secretary_id,
        "campaign_id": campaign_id,
        "nomination_ids": nomination_ids,
    }
    form = fields | {"held_at": held, "nomination_ids": set(nomination_ids)}
    try:
        done = workflow_api.open_session(workflow_api.Meeting(**fields), session, actor)
    except (ValidationError, DomainError) as error:
        return refused(
            session, error, partial(new_session_page, request, session, actor, council_id, form=form)
        )
    return go(request, f"{SESSIONS}/{done.id}", f"Đã triệu tập phiên họp #{done.id}.")


def attendance(session: Session, session_id: int) -> dict[int, Attendance]:
    rows = session.exec(select(Attendance).where(Attendance.session_id == session_id))
    return {a.member_id: a for a in rows}


def session_page(
    request: Request, session: Session, actor: Actor, session_id: int, status: int = 200, **context
) -> Response:
    meeting = lists_api.council_session(session_id, session, actor)
    council = directory_api.council(meeting["council"].id, session, actor)
    on_agenda = col(Nomination.id).in_(
        select(SessionItem.nomination_id).where(SessionItem.session_id == session_id)
    )
    day, paging = today(), lists.Paging(per_page=200, sort="name")
    agenda, _ = lists.page(session, [on_agenda, sight.nominations(actor)], paging, day)
    is_open = meeting["state"] in COUNCIL_SESSION["agenda"].source
    return render(
        request,
        "secretariat/session.html",
        status,
        meeting=meeting,
        council=council,
        agenda=agenda,
        results=[(State(s).label, count) for s, count in meeting["by_state"].items()],
        present=attendance(session, session_id),
        candidates=accepted(session, actor, council["unit"].id) if is_open else [],
        is_open=is_open,
        **context,
    )


@router.get(f"{SESSIONS}/{{session_id}}", response_class=HTMLResponse)
def council_session(
    request: Request, session: SessionDep, actor: Secretariat, session_id: PathId
) -> Response:
    """A meeting: its agenda, who attends or sent a written opinion, closing it, its tally."""
    return session_page(request, session, actor, session_id)


def session_refused(request: Request, session: Session, actor: Actor, session_id: int, error: Exception):
    return refused(session, error, partial(session_page, request, session, actor, session_id))


PRESENCE = {
    "present": (True, False, "có mặt"),
    "written": (False, True, "vắng mặt, có ý kiến bằng văn bản"),
    "absent": (False, False, "vắng mặt"),
}


@router.post(f"{SESSIONS}/{{session_id}}/du-hop", response_class=HTMLResponse)
def attend(
    request: Request,
    session: SessionDep,
    actor: Secretariat,
    session_id: PathId,
    member_id: Annotated[int, Form(ge=1, le=MAX_ID)],
    presence: Annotated[Literal[tuple(PRESENCE)], Form()],
) -> Response:
    """As POST /api/v1/council-sessions/{id}/attendance: a member present, or absent with or
    without a written opinion (ý kiến bằng văn bản, which lets them vote)."""
    present, written, label = PRESENCE[presence]
    try:
        body = workflow_api.Attendance(member_id=member_id, present=present, written_opinion=written)
        workflow_api.attend(session_id, body, session, actor)
    except (ValidationError, DomainError) as error:
        return session_refused(request, session, actor, session_id, error)
    return go(request, f"{SESSIONS}/{session_id}", f"Đã ghi nhận ủy viên #{member_id}: {label}.")


@router.post(f"{SESSIONS}/{{session_id}}/chuong-trinh", response_class=HTMLResponse)
def add_to_agenda(
    request: Request,
    session: SessionDep,
    actor: Secretariat,
    session_id: PathId,
    nomination_ids: Ids = [],  # noqa: B006 (FastAPI copies it)
) -> Response:
    """More accepted dossiers on an open meeting's agenda: the domain's `agenda` step, which the
    API takes only when it opens the meeting."""
    try:
        batch = workflow_api.Batch(nomination_ids=nomination_ids).nomination_ids
        voting.add_to_agenda(session, actor, session_id, workflow_api.nominations(session, actor, batch))
        workflow_api.then(session, COUNCIL_SESSION["agenda"], session_id)
    except (ValidationError, DomainError) as error:
        return session_refused(request, session, actor, session_id, error)
    return go(request, f"{SESSIONS}/{session_id}", f"Đã đưa {len(batch)} hồ sơ vào chương trình họp.")


@router.post(f"{SESSIONS}/{{session_id}}/ket-thuc", response_class=HTMLResponse)
def close(request: Request, session: SessionDep, actor: Secretariat, session_id: PathId) -> Response:
    """As POST /api/v1/council-sessions/{id}/close: voting ends, and the tally follows."""
    try:
        done = workflow_api.close_session(session_id, session, actor)
    except DomainError as error:
        return session_refused(request, session, actor, session_id, error)
    message = "Đã kết thúc bỏ phiếu; Hội đồng đang kiểm phiếu."
    if not done.follow_up.started:
        message = "Đã kết thúc bỏ phiếu nhưng chưa kiểm phiếu được; hãy chạy lại ở trang Tổng quan."
    return go(request, f"{SESSIONS}/{session_id}", message)
