"""The council member's pages: the sessions of the councils they sit on, a session's agenda (each
dossier with its files and eligibility verdict), their ballot, and the tally once it is counted.

Each reads and writes through the API's own functions (service/api/lists.py, workflow.py,
documents.py, nominations.py), so that a page shows what the API answers and refuses what it
refuses: a session out of the caller's sight is the page of one that does not exist, a second
ballot is a 409. A secret ballot is never shown, not even to the member who cast it: the pages
say only *that* they voted (models/councils.py keeps the two apart)."""

from typing import Annotated, Any

from annotated_types import MaxLen
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlmodel import Session, col, select

from models import lists, sight
from models.access import Actor, today
from models.councils import Choice, SessionItem, SessionState, TallyResult
from models.db import utcnow
from models.errors import DomainError
from models.nominations import Nomination
from service.api import PathId
from service.api import documents as api_documents
from service.api import lists as api_lists
from service.api import workflow as api_workflow
from service.deps import SessionDep
from service.web.pages import PageActor, PageRoute, done_message, dossier, go, invalid, render

router = APIRouter(prefix="/hoi-dong", route_class=PageRoute)

CHOICES = {
    Choice.YES: "Đồng ý",
    Choice.NO: "Không đồng ý",
    Choice.INVALID: "Không biểu quyết (phiếu không hợp lệ)",
}
CHOICE_FIELD = "choice_"  # the ballot form's field for nomination 12 is choice_12
AGENDA_PAGE = 20  # dossiers per page of the agenda: each carries its files and live verdict
# The ballot paper is one form naming every dossier on the agenda, as many as the API's Ballot
# takes: Starlette's default of 1,000 fields would refuse a long agenda before the domain saw it.
BALLOT_FIELDS = 10 + next(
    m.max_length for m in api_workflow.Ballot.model_fields["choices"].metadata if isinstance(m, MaxLen)
)


def with_upcoming(meeting: dict[str, Any]) -> dict[str, Any]:
    """A session as the API lists it, and whether it is still to be held (open, its time ahead)."""
    return meeting | {"upcoming": meeting["state"] == SessionState.OPEN and meeting["held_at"] > utcnow()}


def meeting_of(session: Session, actor: Actor, session_id: int) -> dict[str, Any]:
    """The session as GET /api/v1/council-sessions/{id} answers it: 404 out of sight."""
    return with_upcoming(api_lists.council_session(session_id, session, actor))


def on_agenda(session_id: int) -> Any:
    """The condition for the nominations on a session's agenda."""
    return col(Nomination.id).in_(
        select(SessionItem.nomination_id).where(SessionItem.session_id == session_id)
    )


def agenda(session: Session, actor: Actor, session_id: int, paging: lists.Paging) -> tuple[list[dict], int]:
    """The dossiers on the agenda, as the nominations list items (GET /api/v1/nominations), by
    nominee's name; only those the caller sees (a member sees their council's agendas)."""
    paging.sort = "name"
    where = [on_agenda(session_id), sight.nominations(actor)]
    return lists.page(session, [w for w in where if w is not None], paging, today())


def tally(session: Session, session_id: int) -> list[dict]:
    """The results the tally recorded (models.voting.tally), each with its nominee; ballots
    that said neither yes nor no are the invalid ones."""
    results = {
        r.nomination_id: r
        for r in session.exec(select(TallyResult).where(TallyResult.session_id == session_id))
    }
    if not results:
        return []
    names = lists.Paging(per_page=len(results), sort="name")
    rows, _ = lists.page(session, [col(Nomination.id).in_(results)], names, today())
    counted = [(row, results[row["id"]]) for row in rows]
    return [row | {"result": r, "invalid": r.ballots_issued + r.written - r.valid} for row, r in counted]


# ------------------------------------------------------------------------------ the pages


@router.get("", response_class=HTMLResponse)
def my_sessions(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    paging: api_lists.PagingDep,
    state: SessionState | None = None,
) -> Response:
    """The sessions of the councils the caller sits on (and those of the units they serve), as
    GET /api/v1/council-sessions lists them, the newest first; each says whether they voted."""
    found = api_lists.council_sessions(session, actor, paging, state=state)
    found["items"] = [with_upcoming(meeting) for meeting in found["items"]]
    url = f"/hoi-dong?state={state.value}" if state else "/hoi-dong"
    return render(request, "council/sessions.html", found=found, state=state, states=SessionState, url=url)


@router.get("/phien/{session_id}", response_class=HTMLResponse)
def meeting_page(
    session_id: PathId, request: Request, session: SessionDep, actor: PageActor, paging: api_lists.PagingDep
) -> Response:
    """A session: when and where, whether the caller voted, the tally once counted with the
    minutes, and the agenda's dossiers a page at a time."""
    meeting = meeting_of(session, actor, session_id)
    paging.per_page = min(paging.per_page, AGENDA_PAGE)
    items, total = agenda(session, actor, session_id, paging)
    tallied = meeting["state"] == SessionState.TALLIED
    return render(
        request,
        "council/session.html",
        meeting=meeting,
        dossiers=[dossier(session, actor, item) for item in items],
        found=api_lists.as_page(items, total, paging),
        tally=tally(session, session_id) if tallied else [],
        minutes=api_documents.council_session_files(session_id, session, actor) if tallied else [],
    )


def ballot_page(
    request: Request, session: Session, actor: Actor, session_id: int, status: int = 200, error: str = ""
) -> Response:
    """The ballot paper: every dossier on the agenda with a choice each, while the session is open
    and the caller, sitting on its council, has not voted yet."""
    meeting = meeting_of(session, actor, session_id)
    can_vote = meeting["member"] and meeting["state"] == SessionState.OPEN and not meeting["voted"]
    items, _ = agenda(session, actor, session_id, lists.Paging(per_page=meeting["agenda"] or 1))
    return render(
        request,
        "council/ballot.html",
        status,
        meeting=meeting,
        items=items if can_vote else [],
        can_vote=can_vote,
        choices=CHOICES,
        field=CHOICE_FIELD,
        error=error,
    )


@router.get("/phien/{session_id}/bo-phieu", response_class=HTMLResponse)
def ballot(session_id: PathId, request: Request, session: SessionDep, actor: PageActor) -> Response:
    return ballot_page(request, session, actor, session_id)


async def ballot_choices(request: Request) -> dict[str, str]:
    """The ballot form's choices, nomination id (as sent) → choice. Read before the login check
    reads the form for its CSRF field (Starlette keeps the form it read first)."""
    form = await request.form(max_fields=BALLOT_FIELDS)
    return {
        name.removeprefix(CHOICE_FIELD): value
        for name, value in form.items()
        if name.startswith(CHOICE_FIELD) and isinstance(value, str)
    }


@router.post("/phien/{session_id}/bo-phieu", response_class=HTMLResponse)
def cast_ballot(
    session_id: PathId,
    request: Request,
    choices: Annotated[dict[str, str], Depends(ballot_choices)],
    session: SessionDep,
    actor: PageActor,
) -> Response:
    """The ballot, as POST /api/v1/council-sessions/{id}/ballots casts it: one choice for every
    dossier on the agenda, once. Refused (not a member, not attending, a second ballot, a
    dossier left without a choice), the paper again with the reason and the API's status."""
    try:
        body = api_workflow.Ballot(choices=choices)
    except ValidationError as error:
        return ballot_page(request, session, actor, session_id, 422, invalid(error, {"choices": "Phiếu"}))
    try:
        done = api_workflow.cast_ballot(session_id, body, session, actor)
    except DomainError as refused:
        session.rollback()
        return ballot_page(request, session, actor, session_id, refused.status, refused.message)
    message = done_message(done, f"Đã ghi nhận phiếu của bạn trong phiên họp #{session_id}.")
    return go(request, f"/hoi-dong/phien/{session_id}", message)
