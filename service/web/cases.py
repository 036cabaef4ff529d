"""Everyone's pages: the home page (Việc cần làm: unread notifications and the caller's queues),
a nomination's page with its steps as buttons, a person's and a collective's award and rating
history. Each reads through the API's own functions, so it shows what the API would answer, and
who may not see a record gets the page of one that does not exist."""

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from models.access import Actor, today
from models.errors import DomainError
from models.lists import Paging
from models.nominations import Nomination, State
from models.notify import Notification
from models.org import Role
from models.route import NOMINATION, TABLES
from models.text import nfc
from service.api import MAX_ID, PathId
from service.api import cases as api_cases
from service.api import lists as api_lists
from service.api import nominations as api_nominations
from service.api import workflow as api_workflow
from service.deps import SessionDep
from service.web.pages import ROLE_PAGES, PageActor, PageRoute, done_message, dossier, go, held_roles, render

router = APIRouter(route_class=PageRoute)

# The queues the home page counts, each for the role whose page works through it.
QUEUES = (
    ("secretariat", "Hồ sơ chờ tiếp nhận, kiểm tra", api_lists.intake_queue),
    ("unit", "Hồ sơ bị trả lại, cần bổ sung", api_lists.returned_queue),
    ("council", "Hồ sơ chờ bạn bỏ phiếu", api_lists.agenda_queue),
    ("authority", "Quyết định chờ ký", api_lists.signature_queue),
)


def queues(session: Session, actor: Actor) -> list[dict[str, Any]]:
    """How much waits in each of the caller's queues (the API's queue routes, one row read)."""
    held = held_roles(actor)
    counted = [
        (role, label, queue(session, actor, Paging(per_page=1)))
        for role, label, queue in QUEUES
        if role in held
    ]
    return [
        {
            "label": label,
            "count": f"{page['total']}{'' if page['total_exact'] else '+'}",
            "url": ROLE_PAGES[role][0],
        }
        for role, label, page in counted
    ]


# Where a notification about a record leads: a nomination to its page, the others to the page of
# the role that works on them (if the reader holds it).
ABOUT = {"submission": "secretariat", "council_session": "council", "decision": "authority"}


def link_of(message: Notification, held: list[str]) -> str | None:
    if message.entity == "nomination" and message.entity_id:
        return f"/ho-so/{message.entity_id}"
    role = ABOUT.get(message.entity)
    return ROLE_PAGES[role][0] if role in held else None


@router.get("/", response_class=HTMLResponse)
def home(request: Request, session: SessionDep, actor: PageActor) -> Response:
    """Việc cần làm: the unread notifications, each leading to what it is about, and the queues."""
    held = held_roles(actor)
    unread = [(n, link_of(n, held)) for n in api_cases.inbox(session, actor, unread=True, limit=50)]
    return render(request, "cases/home.html", unread=unread, queues=queues(session, actor))


@router.post("/thong-bao/{notification_id}/da-doc")
def mark_read(notification_id: PathId, request: Request, session: SessionDep, actor: PageActor) -> Response:
    """As POST /api/v1/inbox/{id}/read: the notification leaves the home page's list."""
    api_cases.mark_read(notification_id, session, actor)
    return go(request, "/")


# ------------------------------------------------------------------------------ a nomination

# The steps this page takes itself, as the API takes them one nomination at a time; the others
# (correcting the text, submitting, scheduling, a decision, a Tờ trình) need a form of their own
# on the role's page, which the page links to.
BUTTONS = frozenset(api_workflow.ONE_BY_ONE) - {"edit"}
WHOSE_PAGE = {Role.UNIT_OFFICER: "unit", Role.SECRETARIAT: "secretariat", Role.AUTHORITY: "authority"}


def page_of(actor: Actor, action: api_cases.Action) -> str:
    """The role page where the caller takes a step this page has no button for."""
    held = held_roles(actor)
    pages = [WHOSE_PAGE.get(who, "council") for who in TABLES[action.record][action.action].who]
    return ROLE_PAGES[next((p for p in pages if p in held), held[0])][0]


def nomination_page(
    request: Request, session: Session, actor: Actor, nomination_id: int, status: int = 200, error: str = ""
) -> Response:
    """The nomination as GET /api/v1/nominations/{id} answers it, with its live eligibility
    verdict, every version of its dossier files and the steps the caller may take."""
    case = api_cases.nomination(nomination_id, session, actor)  # 404 for one out of sight
    n = session.get(Nomination, nomination_id)
    state = State(case.state)
    return render(
        request,
        "cases/nomination.html",
        status,
        case=case,
        nomination=n,
        overdue=bool(n.due_on and n.due_on < today() and not state.final),
        **dossier(session, actor, {"id": nomination_id}),
        buttons=[a for a in case.actions if a.action in BUTTONS],
        elsewhere=[(a, page_of(actor, a)) for a in case.actions if a.action not in BUTTONS],
        error=error,
    )


@router.get("/ho-so/{nomination_id}", response_class=HTMLResponse)
def nomination(nomination_id: PathId, request: Request, session: SessionDep, actor: PageActor) -> Response:
    return nomination_page(request, session, actor, nomination_id)


@router.post("/ho-so/{nomination_id}/buoc/{action}", response_class=HTMLResponse)
def take_step(
    nomination_id: PathId,
    action: api_workflow.OneByOne,
    request: Request,
    session: SessionDep,
    actor: PageActor,
    reason: Annotated[str, Form(max_length=2000)] = "",
    version: Annotated[int | None, Form(ge=1, le=MAX_ID)] = None,
) -> Response:
    """One of the nomination's buttons: the step as POST /api/v1/nominations/{id}/{action} takes
    it (the version the page showed, so that a step taken meanwhile by someone else is a 409),
    then back to the page; refused, the page again with the reason."""
    body = api_workflow.StepBody(reason=nfc(reason).strip(), version=version)
    try:
        done = api_workflow.act(nomination_id, action, body, session, actor)
    except DomainError as refused:
        session.rollback()
        return nomination_page(request, session, actor, nomination_id, refused.status, refused.message)
    message = done_message(done, f"Đã thực hiện: {NOMINATION[action].label} (hồ sơ #{nomination_id}).")
    return go(request, f"/ho-so/{nomination_id}", message)


# ------------------------------------------------------------------------------ history


@router.get("/lich-su/ca-nhan/{person_id}", response_class=HTMLResponse)
def person_history(person_id: PathId, request: Request, session: SessionDep, actor: PageActor) -> Response:
    """A person's ratings, awards, initiatives and disciplinary measures, year by year."""
    history = api_nominations.person_history(person_id, session, actor)
    return render(request, "cases/history.html", history=history, collective=False)


@router.get("/lich-su/tap-the/{unit_id}", response_class=HTMLResponse)
def collective_history(unit_id: PathId, request: Request, session: SessionDep, actor: PageActor) -> Response:
    """A collective's ratings and awards, year by year."""
    history = api_nominations.unit_history(unit_id, session, actor)
    return render(request, "cases/history.html", history=history, collective=True)
