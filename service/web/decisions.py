"""The secretariat's decisions (/thu-ky/quyet-dinh): the nominations waiting at its level, grouped
as a decision or a Tờ trình would take them (one award, one level, one campaign); drafting a
decision from them and sending it for signature — at a level that appraises, after the appraising
body's Tờ trình thẩm định, drafted here and signed by its head; the decisions and Tờ trình with
their nominees, the documents the engine wrote and the progress of the flow writing them; signing
a Tờ trình upward, for the head who may. Every read and step is the API's own function (service/api)."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlmodel import Session, col, func, select

from models import lists, route, sight, workflow
from models.access import Actor, today
from models.decisions import DecisionState
from models.errors import DomainError, InvalidInput
from models.nominations import Nomination, State
from models.route import APPRAISAL, DECISION, SUBMISSION
from models.runs import FlowRun
from service.api import MAX_ID, PRINTABLE, PathId
from service.api import documents as files_api
from service.api import lists as lists_api
from service.api import workflow as workflow_api
from service.api.lists import PagingDep
from service.deps import SessionDep
from service.web.pages import PageActor, PageRoute, done_message, go, invalid, render

router = APIRouter(prefix="/thu-ky/quyet-dinh", route_class=PageRoute)
HERE = "/thu-ky/quyet-dinh"
DRAFT, PROPOSE, APPRAISE = DECISION["draft_decision"], SUBMISSION["propose"], APPRAISAL["appraise"]
SIGN_APPRAISAL = APPRAISAL["sign_appraisal"]
FIELDS = {"nomination_ids": "Hồ sơ", "signed_on": "Ngày ký"}
Id = Annotated[int, Query(ge=1, le=MAX_ID)]
Ids = Annotated[list[int], Form()]

# ------------------------------------------------------------------------- what waits here


@dataclass(frozen=True)
class Group:
    """Nominations a decision or a Tờ trình may take together: waiting at one unit, for one award
    of one campaign, in one state (recommended by the council, or accepted where none sits)."""

    unit_id: int
    campaign_id: int
    award: str
    state: str

    def where(self) -> list:
        return [
            col(Nomination.handling_unit_id) == self.unit_id,
            col(Nomination.campaign_id) == self.campaign_id,
            col(Nomination.award_code) == self.award,
            col(Nomination.state) == self.state,
            col(Nomination.decision_id).is_(None),
        ]

    @property
    def query(self) -> str:
        return f"don_vi={self.unit_id}&dot={self.campaign_id}&danh_hieu={self.award}&trang_thai={self.state}"


def group_of(
    don_vi: Id,
    dot: Id,
    danh_hieu: Annotated[str, Query(max_length=20, pattern=PRINTABLE)],
    trang_thai: State,
) -> Group:
    """The group a page's query names (its links and forms carry it)."""
    return Group(don_vi, dot, danh_hieu, trang_thai.value)


GroupDep = Annotated[Group, Depends(group_of)]


def waiting(actor: Actor) -> list:
    """Waiting for a decision or a Tờ trình (the states those steps leave, not yet in a
    decision), at the units where the caller may take either (the route table's roles)."""
    drafting, proposing = lists.units_for(actor, DRAFT), lists.units_for(actor, PROPOSE)
    units = None if drafting is None or proposing is None else drafting | proposing
    at = sa.true() if units is None else col(Nomination.handling_unit_id).in_(units)
    return [col(Nomination.state).in_(DRAFT.source), col(Nomination.decision_id).is_(None), at]


def offered(session: Session, actor: Actor, group: Group) -> list[str]:
    """The steps the caller may take with the group (drafting a decision, signing a Tờ trình):
    those `available_steps` offers on its first nomination, whose level and award they share."""
    first = session.exec(select(Nomination).where(*group.where()).order_by(col(Nomination.id))).first()
    if first is None:
        return []
    return [
        s.action for s in workflow.available_steps(session, actor, first) if s in (DRAFT, PROPOSE, APPRAISE)
    ]


def groups(session: Session, actor: Actor) -> list[dict]:
    """Each group waiting at the caller's units: how many, the earliest due, what they may do."""
    n = Nomination
    rows = session.exec(
        select(n.handling_unit_id, n.campaign_id, n.award_code, n.state, func.count(), func.min(n.due_on))
        .where(*[w for w in (*waiting(actor), sight.nominations(actor)) if w is not None])
        .group_by(n.handling_unit_id, n.campaign_id, n.award_code, n.state)
        .order_by(n.handling_unit_id, n.campaign_id, n.award_code, n.state)
    ).all()
    found = []
    for unit_id, campaign_id, award, state, count, due in rows:
        group = Group(unit_id, campaign_id, award, state.value)
        first = lists.summaries(session, [_first_row(session, group)], today())[0]
        steps = offered(session, actor, group)
        found.append({"group": group, "count": count, "due_on": due, "sample": first, "steps": steps})
    return found


def _first_row(session: Session, group: Group):
    return session.exec(
        select(*lists.COLUMNS).where(*group.where()).order_by(col(Nomination.id)).limit(1)
    ).one()


def members(session: Session, actor: Actor, group: Group, ids: list[int], whole: bool) -> list[int]:
    """The nominations a form names: those ticked, or the whole group; each must be of the group
    (the API then checks the caller's sight and the step)."""
    query = select(Nomination.id).where(*group.where(), *waiting(actor))
    if not whole:
        query = query.where(col(Nomination.id).in_(ids))
    chosen = list(session.exec(query.order_by(col(Nomination.id))))
    strays = sorted(set(ids) - set(chosen)) if not whole else []
    if strays:
        raise InvalidInput(f"Hồ sơ không thuộc nhóm này hoặc không còn chờ: {strays}")
    if not chosen:
        raise InvalidInput("Hãy chọn ít nhất một hồ sơ của nhóm (choose at least one nomination)")
    return chosen


# ------------------------------------------------------------------------- pages


@router.get("", response_class=HTMLResponse)
def index(request: Request, session: SessionDep, actor: PageActor) -> Response:
    """What waits at the caller's units for a decision or a Tờ trình, and the latest decisions."""
    recent = lists_api.decisions(session, actor, lists.Paging(per_page=10))
    return render(request, "decisions/index.html", groups=groups(session, actor), recent=recent)


def group_page(
    request: Request,
    session: Session,
    actor: Actor,
    group: Group,
    paging: lists.Paging,
    status: int = 200,
    error: str = "",
) -> Response:
    where = [*group.where(), *waiting(actor), sight.nominations(actor)]
    items, total = lists.page(session, [w for w in where if w is not None], paging, today())
    page = lists_api.as_page(items, total, paging)
    return render(
        request,
        "decisions/group.html",
        status,
        group=group,
        page=page,
        steps=offered(session, actor, group),
        error=error,
        today=today(),
    )


@router.get("/nhom", response_class=HTMLResponse)
def group(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    paging: PagingDep,
    group: GroupDep,
) -> Response:
    """A group's nominations, to draft a decision from (or sign a Tờ trình for) some or all."""
    return group_page(request, session, actor, group, paging)


def refused(request: Request, session: Session, actor: Actor, group: Group, error: Exception) -> Response:
    """The group's page again, with why the step was refused and the API's status."""
    if isinstance(error, ValidationError):
        return group_page(request, session, actor, group, lists.Paging(), 422, invalid(error, FIELDS))
    return group_page(request, session, actor, group, lists.Paging(), error.status, error.message)


def on_group(
    request: Request,
    session: Session,
    actor: Actor,
    group: Group,
    ids: list[int],
    whole: bool,
    step: Callable[[list[int]], workflow_api.Done],
    landed: Callable[[workflow_api.Done], tuple[str, str]],
) -> Response:
    """Take a step (the API's own function) on the nominations a group's form names, then go
    where `landed` says with its message; refused, nothing of it stays and the group's page
    shows why."""
    try:
        done = step(members(session, actor, group, ids, whole))
    except (DomainError, ValidationError) as error:
        session.rollback()
        return refused(request, session, actor, group, error)
    return go(request, *landed(done))


@router.post("/nhom", response_class=HTMLResponse)
def draft(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    group: GroupDep,
    nomination_id: Ids = [],  # noqa: B006 (FastAPI copies it)
    ca_nhom: Annotated[bool, Form()] = False,
) -> Response:
    """Draft a decision from the ticked nominations (or the whole group), as POST
    /api/v1/decisions does; it then waits for the authority's signature."""

    def draft_it(ids: list[int]) -> workflow_api.Done:
        return workflow_api.draft_decision(workflow_api.Batch(nomination_ids=ids), session, actor)

    def landed(done: workflow_api.Done) -> tuple[str, str]:
        return f"{HERE}/{done.id}", f"Đã dự thảo quyết định #{done.id}, chờ người có thẩm quyền ký."

    return on_group(request, session, actor, group, nomination_id, ca_nhom, draft_it, landed)


@router.post("/nhom/to-trinh", response_class=HTMLResponse)
def propose(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    group: GroupDep,
    nomination_id: Ids = [],  # noqa: B006
    ca_nhom: Annotated[bool, Form()] = False,
    signed_on: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    """The head signs a Tờ trình proposing the nominations to the level above, as POST
    /api/v1/proposals does; the forward flow numbers it and carries them up."""

    def sign_it(ids: list[int]) -> workflow_api.Done:
        body = workflow_api.Proposal(nomination_ids=ids, signed_on=signed_on or None)
        return workflow_api.propose(body, session, actor)

    def landed(done: workflow_api.Done) -> tuple[str, str]:
        return f"{HERE}/to-trinh/{done.id}", f"Đã ký Tờ trình #{done.id} trình cấp trên."

    return on_group(request, session, actor, group, nomination_id, ca_nhom, sign_it, landed)


@router.post("/nhom/tham-dinh", response_class=HTMLResponse)
def appraise(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    group: GroupDep,
    nomination_id: Ids = [],  # noqa: B006
    ca_nhom: Annotated[bool, Form()] = False,
) -> Response:
    """Draft the appraising body's Tờ trình thẩm định for the ticked nominations, as POST
    /api/v1/appraisals does; it then waits for that body's head to sign."""

    def draft_it(ids: list[int]) -> workflow_api.Done:
        return workflow_api.appraise(workflow_api.Batch(nomination_ids=ids), session, actor)

    def landed(done: workflow_api.Done) -> tuple[str, str]:
        return f"{HERE}/to-trinh/{done.id}", f"Đã dự thảo Tờ trình thẩm định #{done.id}, chờ ký."

    return on_group(request, session, actor, group, nomination_id, ca_nhom, draft_it, landed)


@router.get("/danh-sach", response_class=HTMLResponse)
def decisions(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    paging: PagingDep,
    trang_thai: DecisionState | None = None,
) -> Response:
    """The decisions of the caller's units, the newest first (in one state, if asked)."""
    found = lists_api.decisions(session, actor, paging, state=trang_thai)
    return render(request, "decisions/list.html", page=found, state=trang_thai)


def latest_run(session: Session, entity: str, record_id: int) -> FlowRun | None:
    """The latest run of the flow that follows a record's step (the decision flow that numbers
    a signed decision and writes its documents; the forward flow of a Tờ trình)."""
    query = select(FlowRun).where(FlowRun.entity == entity, FlowRun.entity_id == record_id)
    return session.exec(query.order_by(col(FlowRun.started_at).desc())).first()


def progress(session: Session, record: str, record_id: int, state: str, files: list) -> dict:
    """Where the flow writing a record's documents stands, from its run: `busy` while it runs,
    or the record was signed and no run has started yet (the page polls, or offers a reload)."""
    run = latest_run(session, record, record_id)
    signed = state not in ("draft", "sent")
    busy = signed and (run.state == "running" if run else not files)
    return {"run": run, "busy": busy, "signed": signed, "files": files}


RECORDS = {  # a record's own read and its documents' list, as the API answers them
    "decision": (lists_api.decision, files_api.decision_files),
    "submission": (lists_api.submission, files_api.submission_files),
}


def standing(session: Session, actor: Actor, record: str, record_id: int) -> tuple[dict, dict]:
    """A decision or a Tờ trình as the API reads it (not found, out of the caller's sight), and
    the progress of the flow writing its documents."""
    read, listed = RECORDS[record]
    found = read(record_id, session, actor)
    files = listed(record_id, session, actor)
    return found, progress(session, record, record_id, found["state"].value, files)


def progress_fragment(
    request: Request, session: Session, actor: Actor, record: str, record_id: int
) -> Response:
    """The progress block alone, which a page with htmx polls in place of its own."""
    _, state = standing(session, actor, record, record_id)
    return render(request, "decisions/_progress.html", progress=state, poll=request.url.path)


def decision_context(session: Session, actor: Actor, decision_id: int, paging: lists.Paging) -> dict:
    """A decision, a page of its nominees, its documents and their progress."""
    found, state = standing(session, actor, "decision", decision_id)
    where = [col(Nomination.decision_id) == decision_id, sight.nominations(actor)]
    items, total = lists.page(session, [w for w in where if w is not None], paging, today())
    return {
        "decision": found,
        "page": lists_api.as_page(items, total, paging),
        "progress": state,
        "poll": f"{HERE}/{decision_id}/tien-do",
    }


@router.get("/tep/{file_id}")
def download(session: SessionDep, actor: PageActor, file_id: PathId) -> Response:
    """A generated document (Word, PDF, the certificates' print file), as GET
    /api/v1/files/{id}/content; a refusal answers as a page."""
    return files_api.file_content(file_id, session, actor)


def proposal_page(
    request: Request,
    session: Session,
    actor: Actor,
    submission_id: int,
    paging: lists.Paging,
    status: int = 200,
    error: str = "",
) -> Response:
    """A Tờ trình (or a unit's batch): where it went, what it carries, its documents; a draft
    appraisal Tờ trình with the signing form, for its appraising body's head."""
    found, state = standing(session, actor, "submission", submission_id)
    carried = lists_api.nominations(session, actor, paging, submission_id=submission_id)
    may_sign = found["state"] in SIGN_APPRAISAL.source and route.permits(
        SIGN_APPRAISAL, actor, found["from_unit"].id
    )
    return render(
        request,
        "decisions/proposal.html",
        status,
        submission=found,
        page=carried,
        progress=state,
        poll=f"{HERE}/to-trinh/{submission_id}/tien-do",
        may_sign=may_sign,
        today=today(),
        error=error,
    )


@router.get("/{decision_id}/tep/in-phoi")
def print_on_form(session: SessionDep, actor: PageActor, decision_id: PathId) -> Response:
    """The certificates' text for the pre-printed phôi, placed as the layout says now, as GET
    /api/v1/decisions/{id}/print-on-form."""
    return files_api.print_on_form(decision_id, session, actor)


@router.get("/{decision_id}/tep/hieu-chinh")
def print_on_form_calibration(session: SessionDep, actor: PageActor, decision_id: PathId) -> Response:
    """The phôi's calibration page, as GET /api/v1/decisions/{id}/print-on-form/calibration."""
    return files_api.print_on_form_calibration(decision_id, session, actor)


@router.get("/to-trinh/{submission_id}", response_class=HTMLResponse)
def proposal(
    request: Request, session: SessionDep, actor: PageActor, submission_id: PathId, paging: PagingDep
) -> Response:
    return proposal_page(request, session, actor, submission_id, paging)


@router.post("/to-trinh/{submission_id}/ky", response_class=HTMLResponse)
def sign_appraisal(
    request: Request,
    session: SessionDep,
    actor: PageActor,
    submission_id: PathId,
    signed_on: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    """The appraising body's head signs its Tờ trình thẩm định, as POST
    /api/v1/appraisals/{id}/sign: the appraisal flow numbers it and writes it."""
    try:
        body = workflow_api.Signature(signed_on=signed_on or None)
        done = workflow_api.sign_appraisal(submission_id, body, session, actor)
    except ValidationError as error:
        return proposal_page(
            request, session, actor, submission_id, lists.Paging(), 422, invalid(error, FIELDS)
        )
    except DomainError as error:
        session.rollback()
        return proposal_page(
            request, session, actor, submission_id, lists.Paging(), error.status, error.message
        )
    message = done_message(done, f"Đã ký Tờ trình thẩm định #{submission_id}.")
    return go(request, f"{HERE}/to-trinh/{submission_id}", message)


@router.get("/to-trinh/{submission_id}/tien-do", response_class=HTMLResponse)
def proposal_progress(
    request: Request, session: SessionDep, actor: PageActor, submission_id: PathId
) -> Response:
    return progress_fragment(request, session, actor, "submission", submission_id)


@router.get("/to-trinh", response_class=HTMLResponse)
def proposals(request: Request, session: SessionDep, actor: PageActor, paging: PagingDep) -> Response:
    """The batches and Tờ trình the caller's units sent or received, the newest first."""
    return render(request, "decisions/proposals.html", page=lists_api.submissions(session, actor, paging))


# The decision's own pages last: their path would take the words above for an id.


@router.get("/{decision_id}", response_class=HTMLResponse)
def decision(
    request: Request, session: SessionDep, actor: PageActor, decision_id: PathId, paging: PagingDep
) -> Response:
    """A decision: its state, nominees, documents, and the progress of the flow writing them."""
    return render(request, "decisions/decision.html", **decision_context(session, actor, decision_id, paging))


@router.get("/{decision_id}/tien-do", response_class=HTMLResponse)
def decision_progress(
    request: Request, session: SessionDep, actor: PageActor, decision_id: PathId
) -> Response:
    return progress_fragment(request, session, actor, "decision", decision_id)
