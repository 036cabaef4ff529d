"""The unit officer's pages (cán bộ thi đua, khen thưởng của đơn vị), under /don-vi: the unit's
nominations by state; a Tờ trình batch put together (drafts added by name, each with its
eligibility verdict, their dossier files) and sent; a sent batch with its own documents; one
nomination to correct and supplement when it comes back, with the reason it came back.

Every read and write is the JSON API's own function (service/api/*.py), so a page refuses what
the API refuses, with the same message and status. A nomination, a batch or a unit that is not
this officer's is, to them, not found."""

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlalchemy import and_
from sqlmodel import Session, col, select

from models import lists, sight
from models.access import Actor, today
from models.errors import DomainError, InvalidInput, NotFound
from models.nominations import Nomination, State
from models.org import Role, Unit
from models.routing import Org
from models.text import nfc
from service.api import MAX_ID, PRINTABLE, PathId
from service.api import directory as api_directory
from service.api import documents as api_documents
from service.api import imports as api_imports
from service.api import lists as api_lists
from service.api import nominations as api_nominations
from service.api import workflow as api_workflow
from service.api.cases import nomination as case_of
from service.deps import SessionDep
from service.web.pages import PageActor, PageRoute, dossier, go, invalid, local, render

router = APIRouter(prefix="/don-vi", route_class=PageRoute)
# The upload forms, which the app's body limit lets carry a file (service/app.py), as the API's.
UPLOADS = r"/don-vi/((ho-so|to-trinh)/[0-9]+/tai-lieu|[0-9]+/danh-sach-excel)$"
PER_PAGE = 50
BATCH_SIZE = 200  # the drafts a batch page shows and sends at once
FIELDS = {
    "award_code": "Danh hiệu, hình thức khen thưởng",
    "campaign_id": "Đợt thi đua",
    "person_id": "Người được đề nghị",
    "achievement": "Tóm tắt thành tích",
    "nomination_ids": "Hồ sơ",
    "version": "Phiên bản",
}
Id = Annotated[int, Form(ge=1, le=MAX_ID)]
Version = Annotated[int, Form(ge=1, le=MAX_ID)]
Next = Annotated[str, Form(max_length=1000)]

# ------------------------------------------------------------------------------ whose it is


def officer_units(session: Session, actor: Actor) -> list[Unit]:
    """The units where this person is the officer who nominates."""
    ids = sight.role_units(actor, {Role.UNIT_OFFICER})
    return list(session.exec(select(Unit).where(col(Unit.id).in_(ids)).order_by(col(Unit.id))))


def my_unit(session: Session, actor: Actor, unit_id: int) -> Unit:
    unit = session.get(Unit, unit_id)
    if unit is None or not actor.can(Role.UNIT_OFFICER, unit_id):
        raise NotFound(f"Không có đơn vị #{unit_id}")
    return unit


def my_nomination(session: Session, actor: Actor, nomination_id: int) -> Nomination:
    """A nomination of one of the officer's units; any other is not found, as the API says of
    one out of sight."""
    n = session.get(Nomination, nomination_id)
    if n is None or n.state is State.DELETED or not actor.can(Role.UNIT_OFFICER, n.unit_id):
        raise NotFound(f"Không có hồ sơ #{nomination_id}")
    return n


def dossier_kinds(session: Session, actor: Actor, scope: str) -> list[dict[str, Any]]:
    """The dossier kinds of a nominee ("nomination") or of a batch ("submission")."""
    return [k for k in api_directory.dossier_kinds(session, actor) if k["scope"] == scope]


# ------------------------------------------------------------------------------ the unit's list


class Filters(BaseModel):
    """The list's filters, as a GET form sends them: a blank choice is no filter."""

    model_config = ConfigDict(extra="forbid")
    year: int | None = Field(default=None, ge=1945, le=2100)
    award: str | None = Field(default=None, max_length=20, pattern=PRINTABLE)
    state: State | None = None
    page: int = Field(default=1, ge=1, le=100_000)

    @field_validator("year", "award", "state", mode="before")
    @classmethod
    def blank_is_none(cls, value: Any) -> Any:
        return None if value == "" else value


@router.get("", response_class=HTMLResponse)
def units(request: Request, session: SessionDep, actor: PageActor) -> Response:
    """Straight to the officer's unit; a choice when they serve several."""
    mine = officer_units(session, actor)
    if len(mine) == 1:
        return RedirectResponse(f"/don-vi/{mine[0].id}", status_code=303)
    return render(request, "unit/units.html", units=mine)


@router.get("/{unit_id}", response_class=HTMLResponse)
def unit_nominations(
    unit_id: PathId,
    filters: Annotated[Filters, Query()],
    request: Request,
    session: SessionDep,
    actor: PageActor,
) -> Response:
    """The unit's nominations (GET /api/v1/nominations?unit_id=…), the newest first, with how
    many are in each state; a returned one with the reason it came back."""
    unit = my_unit(session, actor, unit_id)
    f = filters
    found = api_lists.nominations(
        session,
        actor,
        lists.Paging(page=f.page, per_page=PER_PAGE),
        unit_id=unit_id,
        year=f.year,
        award=f.award,
        state=[f.state] if f.state else [],
        order="desc",
    )
    returned = [n["id"] for n in found["items"] if n["state"] == State.RETURNED]
    unfiltered_state = lists.Filters(unit_id=unit_id, year=f.year, award=f.award)
    where = [*lists.conditions(session, unfiltered_state, today()), sight.nominations(actor)]
    query = {"year": f.year, "award": f.award}
    org = Org.of(session)
    return render(
        request,
        "unit/nominations.html",
        unit=unit,
        merged_from=org.predecessors(unit_id),
        merged_into=org.unit(unit.successor_id),
        filters=f,
        page=found,
        reasons=lists.return_reasons(session, returned),
        counts=api_lists.by_state_counts(session, and_(*[w for w in where if w is not None])),
        states=[s for s in State if s is not State.DELETED],
        query={k: v for k, v in query.items() if v},
        awards=api_directory.awards(session, actor),
        campaigns=api_directory.campaigns(session, actor, lists.Paging(per_page=100))["items"],
        batches=[
            b
            for b in api_lists.submissions(session, actor, lists.Paging(per_page=20))["items"]
            if b["from_unit"].id == unit_id
        ],
    )


# ------------------------------------------------------------------------------ a batch in the making


def batch_page(
    request: Request,
    session: Session,
    actor: Actor,
    unit_id: int,
    campaign_id: int | None,
    award: str | None,
    q: str = "",
    status: int = 200,
    error: str = "",
) -> Response:
    """The batch being put together: the unit's drafts of one campaign for one award, each with
    its verdict and files; people found by name to add; the button that sends them."""
    unit = my_unit(session, actor, unit_id)
    awards = [a for a in api_directory.awards(session, actor) if "individual" in a["subjects"]]
    context: dict[str, Any] = {"unit": unit, "q": q, "error": error, "award_code": award, "drafts": []}
    context["campaigns"] = api_directory.campaigns(session, actor, lists.Paging(per_page=100))["items"]
    context["awards"] = awards
    if campaign_id and award:
        campaign = api_directory.campaign(campaign_id, session, actor)
        chosen = api_directory.award(award, session, actor)
        drafts = api_lists.nominations(
            session,
            actor,
            lists.Paging(per_page=BATCH_SIZE),
            unit_id=unit_id,
            year=campaign["year"],
            award=award,
            state=[State.DRAFT],
        )["items"]
        context |= {
            "campaign": campaign,
            "award": chosen,
            "drafts": [dossier(session, actor, d) for d in drafts if d["campaign_id"] == campaign_id],
            "kinds": dossier_kinds(session, actor, "nomination"),
            "found": api_directory.people(session, actor, lists.Paging(per_page=20), q=q)["items"]
            if q
            else None,
        }
    return render(request, "unit/batch.html", status, **context)


def batch_url(unit_id: int, campaign_id: int | None, award: str | None) -> str:
    return f"/don-vi/{unit_id}/to-trinh?campaign={campaign_id or ''}&award={award or ''}"


Blank = Annotated[str, Query(max_length=20, pattern=r"^[0-9]*$")]


@router.get("/{unit_id}/to-trinh", response_class=HTMLResponse)
def batch(
    unit_id: PathId,
    request: Request,
    session: SessionDep,
    actor: PageActor,
    campaign: Blank = "",
    award: Annotated[str, Query(max_length=20, pattern=r"^[^\x00-\x1f\x7f]*$")] = "",
    q: Annotated[str, Query(max_length=100, pattern=r"^[^\x00-\x1f\x7f]*$")] = "",
) -> Response:
    campaign_id = int(campaign) if campaign else None
    if campaign_id is not None and not 1 <= campaign_id <= MAX_ID:
        raise NotFound(f"Không có đợt thi đua #{campaign}")
    return batch_page(request, session, actor, unit_id, campaign_id, award or None, nfc(q).strip())


def on_batch(
    request: Request,
    session: Session,
    actor: Actor,
    unit_id: int,
    chosen: tuple[int, str],
    step: Callable[[], Response],
) -> Response:
    """A batch form's step; refused, the batch page again with the reason and the status."""
    my_unit(session, actor, unit_id)
    try:
        return step()
    except ValidationError as error:
        status, message = 422, invalid(error, FIELDS)
    except DomainError as error:
        session.rollback()
        status, message = error.status, error.message
    return batch_page(request, session, actor, unit_id, *chosen, "", status, message)


@router.post("/{unit_id}/to-trinh/them", response_class=HTMLResponse)
def add_nominee(
    unit_id: PathId,
    request: Request,
    session: SessionDep,
    actor: PageActor,
    campaign_id: Id,
    award_code: Annotated[str, Form(max_length=20)],
    person_id: Id,
) -> Response:
    """A draft for the person (POST /api/v1/nominations), at this unit; back to the batch with
    its verdict."""

    def step() -> Response:
        body = api_nominations.DraftIn(
            award_code=award_code, campaign_id=campaign_id, person_id=person_id, unit_id=unit_id
        )
        n = api_nominations.create_draft(body, session, actor)
        verdict = api_nominations.eligibility(n.id, session, actor)
        judged = {"eligible": "đủ điều kiện", "needs_judgement": "cần Hội đồng đánh giá"}
        message = f"Đã thêm dự thảo #{n.id}: {judged.get(verdict['status'], 'chưa đủ điều kiện')}."
        return go(request, f"{batch_url(unit_id, campaign_id, award_code)}#ho-so-{n.id}", message)

    return on_batch(request, session, actor, unit_id, (campaign_id, award_code), step)


@router.post("/{unit_id}/to-trinh/gui", response_class=HTMLResponse)
def send_batch(
    unit_id: PathId,
    request: Request,
    session: SessionDep,
    actor: PageActor,
    campaign_id: Id,
    award_code: Annotated[str, Form(max_length=20)],
    nomination_ids: Annotated[list[int], Form()] = [],  # noqa: B006 (FastAPI copies it)
) -> Response:
    """Send the chosen drafts as one batch (POST /api/v1/submissions): all or none."""

    def step() -> Response:
        if not nomination_ids:
            raise InvalidInput("Chưa chọn hồ sơ nào để gửi (no nomination chosen)", field="nomination_ids")
        done = api_workflow.submit(api_workflow.Batch(nomination_ids=nomination_ids), session, actor)
        message = f"Đã gửi Tờ trình #{done.id} gồm {len(nomination_ids)} hồ sơ."
        return go(request, f"/don-vi/to-trinh/{done.id}", message)

    return on_batch(request, session, actor, unit_id, (campaign_id, award_code), step)


# ------------------------------------------------------------------------------ a sent batch


def my_batch(session: Session, actor: Actor, submission_id: int) -> dict[str, Any]:
    found = api_lists.submission(submission_id, session, actor)
    if not actor.can(Role.UNIT_OFFICER, found["from_unit"].id):
        raise NotFound(f"Không có Tờ trình #{submission_id}")
    return found


@router.get("/to-trinh/{submission_id}", response_class=HTMLResponse)
def sent_batch(submission_id: PathId, request: Request, session: SessionDep, actor: PageActor) -> Response:
    """A batch the unit sent: where each nominee stands, and the batch's own documents."""
    return batch_view(request, session, actor, submission_id)


def batch_view(
    request: Request, session: Session, actor: Actor, submission_id: int, status: int = 200, error: str = ""
) -> Response:
    found = my_batch(session, actor, submission_id)
    carried = api_lists.nominations(
        session, actor, lists.Paging(per_page=BATCH_SIZE), submission_id=submission_id
    )
    return render(
        request,
        "unit/sent.html",
        status,
        batch=found,
        carried=carried,
        reasons=lists.return_reasons(session, [n["id"] for n in carried["items"]]),
        documents=api_documents.submission_documents(submission_id, session, actor),
        kinds=dossier_kinds(session, actor, "submission"),
        error=error,
    )


def received(file: UploadFile | None) -> UploadFile:
    if file is None or not file.filename:
        raise InvalidInput("Chưa chọn tệp để tải lên (no file chosen)", field="file")
    return file


@router.post("/to-trinh/{submission_id}/tai-lieu", response_class=HTMLResponse)
def upload_to_batch(
    submission_id: PathId,
    request: Request,
    session: SessionDep,
    actor: PageActor,
    kind: api_documents.Kind,
    file: UploadFile | None = None,
) -> Response:
    """A document of the batch (POST /api/v1/submissions/{id}/documents): a new version of its kind."""
    my_batch(session, actor, submission_id)
    try:
        d = api_documents.upload_to_submission(submission_id, kind, received(file), session, actor)
    except DomainError as error:
        session.rollback()
        return batch_view(request, session, actor, submission_id, error.status, error.message)
    return go(request, f"/don-vi/to-trinh/{submission_id}", f"Đã tải lên {d.filename} (lần {d.version}).")


@router.post("/{unit_id}/danh-sach-excel", response_class=HTMLResponse)
def nominee_list(
    unit_id: PathId,
    request: Request,
    session: SessionDep,
    actor: PageActor,
    campaign_id: Id,
    file: UploadFile | None = None,
) -> Response:
    """A list of nominees from Excel (POST /api/v1/campaigns/{id}/nominee-list): the drafts it
    made, each with its eligibility verdict; or, nothing made, every problem by row and column."""
    unit = my_unit(session, actor, unit_id)
    try:
        made = api_imports.nominee_list(campaign_id, received(file), session, actor)
    except DomainError as error:
        session.rollback()
        problems = error.details.get("problems", [])
        return render(
            request,
            "unit/nominee_list.html",
            error.status,
            unit=unit,
            made=[],
            problems=problems,
            error=error.message,
        )
    return render(request, "unit/nominee_list.html", unit=unit, made=made, problems=[], error="")


# ------------------------------------------------------------------------------ one nomination


def nomination_view(
    request: Request, session: Session, actor: Actor, nomination_id: int, status: int = 200, error: str = ""
) -> Response:
    """A nomination as its unit corrects it: the reasons it came back, its verdict, its files
    with every version, what the unit wrote, and the steps the officer may take now."""
    n = my_nomination(session, actor, nomination_id)
    case = case_of(nomination_id, session, actor)
    actions = {a.action: a for a in case.actions}
    return render(
        request,
        "unit/nomination.html",
        status,
        n=n,
        case=case,
        nominee=dossier(session, actor, {"id": n.id}),
        returns=[e for e in case.trail if e.record == "nomination" and e.action == "return"],
        kinds=dossier_kinds(session, actor, "nomination"),
        editable="edit" in actions,
        steps=[
            a
            for a in case.actions
            if a.action in api_workflow.ONE_BY_ONE and a.action not in {"edit", "delete"}
        ],
        deletable="delete" in actions,
        submittable="submit" in actions,
        error=error,
    )


@router.get("/ho-so/{nomination_id}", response_class=HTMLResponse)
def nomination(nomination_id: PathId, request: Request, session: SessionDep, actor: PageActor) -> Response:
    return nomination_view(request, session, actor, nomination_id)


@router.post("/ho-so/{nomination_id}/sua", response_class=HTMLResponse)
def edit(
    nomination_id: PathId,
    request: Request,
    session: SessionDep,
    actor: PageActor,
    version: Version,
    achievement: Annotated[str, Form(max_length=5000)] = "",
    award_code: Annotated[str | None, Form(max_length=20)] = None,
) -> Response:
    """Correct what the unit wrote (PATCH /api/v1/nominations/{id}); the version the page showed,
    so that a change made meanwhile is a 409, not lost."""
    my_nomination(session, actor, nomination_id)
    try:
        body = api_nominations.DraftEdit(
            version=version, achievement=achievement, award_code=award_code or None
        )
        api_nominations.edit_draft(nomination_id, body, session, actor)
    except ValidationError as error:
        return nomination_view(request, session, actor, nomination_id, 422, invalid(error, FIELDS))
    except DomainError as error:
        session.rollback()
        return nomination_view(request, session, actor, nomination_id, error.status, error.message)
    return go(request, f"/don-vi/ho-so/{nomination_id}", "Đã lưu.")


@router.post("/ho-so/{nomination_id}/tai-lieu", response_class=HTMLResponse)
def upload(
    nomination_id: PathId,
    request: Request,
    session: SessionDep,
    actor: PageActor,
    kind: api_documents.Kind,
    file: UploadFile | None = None,
    next: Next = "",
) -> Response:
    """A file of the nominee's dossier (POST /api/v1/nominations/{id}/documents): checked by its
    content, a new version of its kind, the earlier ones kept. Refused, the nomination's page
    says why."""
    my_nomination(session, actor, nomination_id)
    try:
        d = api_documents.upload_to_nomination(nomination_id, kind, received(file), session, actor)
    except DomainError as error:
        session.rollback()
        return nomination_view(request, session, actor, nomination_id, error.status, error.message)
    back = local(next, f"/don-vi/ho-so/{nomination_id}")
    return go(request, back, f"Đã tải lên {d.filename} cho hồ sơ #{nomination_id} (lần {d.version}).")


@router.post("/ho-so/{nomination_id}/xoa", response_class=HTMLResponse)
def delete(
    nomination_id: PathId,
    request: Request,
    session: SessionDep,
    actor: PageActor,
    version: Version,
    next: Next = "",
) -> Response:
    """Take a draft out of the batch (DELETE /api/v1/nominations/{id}): it leaves every list, its
    trail stays in the audit log."""
    n = my_nomination(session, actor, nomination_id)
    try:
        api_nominations.delete_draft(nomination_id, session, actor, version)
    except DomainError as error:
        session.rollback()
        return nomination_view(request, session, actor, nomination_id, error.status, error.message)
    return go(request, local(next, f"/don-vi/{n.unit_id}"), f"Đã xoá dự thảo #{nomination_id}.")
