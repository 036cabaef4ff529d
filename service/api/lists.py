"""Lists and work queues: the nominations the caller may see (filtered, sorted, paged), what waits
for their step, and the Tờ trình, council sessions and decisions of their units. What is out of
their sight is left out of a list, and its own page answers 404, as for an id that does not exist."""

from collections.abc import Callable, Iterable
from datetime import date, datetime
from functools import partial
from typing import Annotated, Any, Generic, Literal, TypeVar

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy import nulls_last
from sqlmodel import Session, col, func, select

from models import excel, lists, sight
from models.access import Actor, today
from models.catalogue import default_catalogue
from models.councils import (
    BallotCast,
    Council,
    CouncilMember,
    CouncilSession,
    SessionItem,
    SessionState,
    TallyResult,
)
from models.decisions import Decision, DecisionState
from models.errors import NotFound
from models.nominations import Nomination, State, Submission, SubmissionItem, SubmissionKind, SubmissionState
from models.org import Person, Unit
from models.uploads import XLSX
from service.api import MAX_ID, PRINTABLE, PathId, refusals
from service.api.documents import FILE, attachment
from service.auth import ActorDep
from service.deps import SessionDep

router = APIRouter(prefix="/api/v1", tags=["lists"], responses=refusals(401, 404, 422))
T = TypeVar("T")
Id = Annotated[int | None, Query(ge=1, le=MAX_ID)]


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int = Field(description=f"how many, counted up to {lists.COUNT_CAP:,}")
    total_exact: bool = Field(description=f"false: more than {lists.COUNT_CAP:,}")
    page: int
    per_page: int


class Ref(BaseModel):
    id: int
    name: str


class AwardRef(BaseModel):
    code: str
    name: str


class SessionRef(BaseModel):
    id: int
    held_at: datetime
    place: str


class NominationItem(BaseModel):
    id: int
    nominee: str
    kind: Literal["individual", "collective"]
    person_id: int | None
    collective_id: int | None
    award: AwardRef
    year: int
    campaign_id: int
    unit: Ref
    handling_unit: Ref
    state: State
    state_label: str
    level: int
    due_on: date | None
    overdue: bool
    returns: int
    version: int
    created_at: datetime
    return_reason: str | None = None  # in the returned queue: why it was last returned
    session: SessionRef | None = None  # in the agenda queue: the meeting that votes on it


def paging(
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=200)] = 50,
) -> lists.Paging:
    return lists.Paging(page=page, per_page=per_page)


PagingDep = Annotated[lists.Paging, Depends(paging)]
WORKBOOK_ROWS = 50_000  # of a list as .xlsx: every row meeting the filters, up to this many
ListFormat = Annotated[
    Literal["json", "xlsx"],
    Query(description=f"json (a page), or xlsx: every row, at most {WORKBOOK_ROWS:,}"),
]
Columns = list[tuple[str, str | Callable[[Any], Any], int]]


def _value(item: Any, path: str) -> Any:
    """`item`'s value at a dotted path ("unit.name"), item a dict or a model."""
    for key in path.split("."):
        item = item.get(key) if isinstance(item, dict) else getattr(item, key, None)
    return item


def xlsx(name: str, columns: Columns, items: Iterable[Any]) -> Response:
    """A list as an .xlsx download: the one way every list of the API and the pages is exported.
    `columns` are (Vietnamese header, the item's value: a dotted path into the item as the JSON
    has it, or a function of the item, the column's width); written by models/excel.py `table`
    (Times New Roman, bold headers, dates as dates)."""
    headers = [(header, "", width) for header, _, width in columns]
    rows = [[_value(i, v) if isinstance(v, str) else v(i) for _, v, _ in columns] for i in items]
    return attachment(excel.table("Danh sách", headers, rows), f"{name}_{today():%Y%m%d}.xlsx", XLSX)


def whole(paging: lists.Paging) -> lists.Paging:
    """The first WORKBOOK_ROWS rows, in the order asked for."""
    return lists.Paging(1, WORKBOOK_ROWS, paging.sort, paging.descending)


def listed(
    format: str,
    paging: lists.Paging,
    fetch: Callable[[lists.Paging], tuple[list, int]],
    name: str,
    columns: Columns,
) -> dict | Response:
    """A paged list as JSON (a page) or, with format=xlsx, every row of it as .xlsx."""
    if format == "xlsx":
        return xlsx(name, columns, fetch(whole(paging))[0])
    return as_page(*fetch(paging), paging)


NOMINATION_COLUMNS: Columns = [
    ("Số hồ sơ", "id", 10),
    ("Tập thể, cá nhân", "nominee", 30),
    ("Danh hiệu, hình thức", lambda i: i["award"]["name"] or i["award"]["code"], 30),
    ("Năm", "year", 7),
    ("Đơn vị đề nghị", "unit.name", 28),
    ("Đơn vị đang xử lý", "handling_unit.name", 28),
    ("Trạng thái", "state_label", 24),
    ("Hạn xử lý", "due_on", 12),
    ("Quá hạn", lambda i: "Quá hạn" if i["overdue"] else "", 9),
]


def as_page(items: list, total: int, paging: lists.Paging) -> dict:
    return {
        "items": items,
        "total": min(total, lists.COUNT_CAP),
        "total_exact": total <= lists.COUNT_CAP,
        "page": paging.page,
        "per_page": paging.per_page,
    }


@router.get("/nominations", response_model=Page[NominationItem], responses=FILE)
def nominations(
    session: SessionDep,
    actor: ActorDep,
    paging: PagingDep,
    unit_id: Id = None,
    handling_unit_id: Id = None,
    submission_id: Id = None,
    year: Annotated[int | None, Query(ge=1945, le=2100)] = None,
    award: Annotated[str | None, Query(max_length=20, pattern=PRINTABLE)] = None,
    state: Annotated[list[State], Query(max_length=len(State))] = [],  # noqa: B006 (FastAPI copies it)
    level: Annotated[int | None, Query(ge=0, le=10)] = None,
    due_before: date | None = None,
    overdue: bool | None = None,
    q: Annotated[
        str | None, Query(max_length=100, pattern=PRINTABLE, description="the nominee's name")
    ] = None,
    sort: Literal[lists.SORTS] = "id",
    order: Literal["asc", "desc"] = "asc",
    format: ListFormat = "json",
) -> dict | Response:
    """The nominations the caller may see; `q` finds the nominee's name with or without accents;
    as .xlsx with `format=xlsx`."""
    day = today()
    filters = lists.Filters(
        unit_id, handling_unit_id, year, award, state, level, due_before, overdue, q, submission_id
    )
    paging.sort, paging.descending = sort, order == "desc"
    where = [w for w in [*lists.conditions(session, filters, day), sight.nominations(actor)] if w is not None]
    return listed(
        format, paging, lambda p: lists.page(session, where, p, day), "danh_sach_ho_so", NOMINATION_COLUMNS
    )


# ------------------------------------------------------------------------------ the work queues


def _queue(session: Session, where: list, paging: lists.Paging) -> tuple[list[dict], int]:
    paging.sort = lists.QUEUE_ORDER.sort
    return lists.page(session, where, paging, today())


@router.get("/queues/intake", response_model=Page[NominationItem], responses=FILE)
def intake_queue(
    session: SessionDep, actor: ActorDep, paging: PagingDep, format: ListFormat = "json"
) -> dict | Response:
    """Dossiers submitted (or resubmitted) to the units where the caller is the secretariat,
    the earliest due first. Empty for anyone else. As .xlsx with `format=xlsx`."""
    fetch = partial(_queue, session, lists.intake(actor))
    return listed(format, paging, fetch, "ho_so_cho_tiep_nhan", NOMINATION_COLUMNS)


@router.get("/queues/returned", response_model=Page[NominationItem], responses=FILE)
def returned_queue(
    session: SessionDep, actor: ActorDep, paging: PagingDep, format: ListFormat = "json"
) -> dict | Response:
    """Dossiers returned to the units that sent them, where the caller may resubmit, with the
    reason they were last returned for."""

    def fetch(paging: lists.Paging) -> tuple[list[dict], int]:
        items, total = _queue(session, lists.returned(actor), paging)
        reasons = lists.return_reasons(session, [i["id"] for i in items])
        return [i | {"return_reason": reasons.get(i["id"], "")} for i in items], total

    columns = [*NOMINATION_COLUMNS, ("Lý do trả lại", "return_reason", 40)]
    return listed(format, paging, fetch, "ho_so_bi_tra_lai", columns)


@router.get("/queues/agenda", response_model=Page[NominationItem], responses=FILE)
def agenda_queue(
    session: SessionDep, actor: ActorDep, paging: PagingDep, format: ListFormat = "json"
) -> dict | Response:
    """For a council member: the nominations of the open sessions they have not voted in yet,
    each with its session."""

    def fetch(paging: lists.Paging) -> tuple[list[dict], int]:
        items, total = _queue(session, lists.agenda(session, actor), paging)
        meetings = lists.sessions_of(session, [i["id"] for i in items], lists.open_ballots(session, actor))
        return [
            i | {"session": SessionRef.model_validate(meetings[i["id"]], from_attributes=True)} for i in items
        ], total

    columns = [*NOMINATION_COLUMNS, ("Phiên họp", "session.held_at", 18), ("Địa điểm", "session.place", 24)]
    return listed(format, paging, fetch, "ho_so_cho_bieu_quyet", columns)


# ------------------------------------------------------------------------- batches and meetings


class SubmissionOut(BaseModel):
    """A Tờ trình, or a unit's batch sent to its own level."""

    id: int
    kind: SubmissionKind  # proposal, or appraisal: a Tờ trình thẩm định to the deciding authority
    campaign_id: int
    from_unit: Ref
    to_unit: Ref
    level: int
    state: SubmissionState
    number: int | None
    symbol: str
    signed_on: date | None
    created_at: datetime
    nominations: int  # how many it carried: GET /nominations?submission_id= lists them


class Summary(BaseModel):
    by_state: dict[str, int]  # its nominations in each state now


class SubmissionDetail(SubmissionOut, Summary):
    pass


class CouncilSessionOut(BaseModel):
    id: int
    council: Ref
    campaign_id: int | None
    held_at: datetime
    place: str
    state: SessionState
    number: int | None
    symbol: str
    closed_at: datetime | None
    agenda: int  # nominations on it
    member: bool  # the caller sits on the council
    voted: bool  # the caller returned a ballot (never what it said)


class TallyLine(BaseModel):
    """One nominee's counted ballots, as the minutes report them (never who voted how)."""

    nomination_id: int
    nominee: str
    award: AwardRef
    members_total: int
    present: int
    ballots_issued: int  # to the members present
    written: int  # opinions in writing of members absent, counted with the ballots
    valid: int
    invalid: int  # said neither yes nor no
    yes: int
    no: int
    base: int  # the denominator the vote rule names: all members, or those present
    threshold: str  # "9/10"
    quorum_met: bool
    passed: bool


class CouncilSessionDetail(CouncilSessionOut, Summary):
    chair: Ref | None
    secretary: Ref | None
    tally: list[TallyLine]  # once counted: each nominee on the agenda, by name


class DecisionOut(BaseModel):
    id: int
    state: DecisionState
    number: int | None
    symbol: str
    reference: str
    year: int | None
    award: AwardRef
    issuer: Ref
    authority: str
    signed_on: date | None
    created_at: datetime
    campaign_id: int | None
    nominations: int
    due_on: date | None  # the earliest due date of its nominations


class DecisionDetail(DecisionOut, Summary):
    pass


def paged(session: Session, model, where: list, paging: lists.Paging, *order) -> tuple[list, int]:
    """A page of records of a kind (the newest first, unless ordered), and how many there are."""
    where = [w for w in where if w is not None]
    total = lists.counted(session, model, where)
    query = select(model).where(*where).order_by(*(order or [col(model.id).desc()]))
    return session.exec(query.offset((paging.page - 1) * paging.per_page).limit(paging.per_page)).all(), total


def _counts(session: Session, key, ids: list[int]) -> dict[int, int]:
    rows = session.exec(select(key, func.count()).where(col(key).in_(ids)).group_by(key))
    return dict(rows.all())


def _units(session: Session, ids: set[int]) -> dict[int, Unit]:
    return {u.id: u for u in session.exec(select(Unit).where(col(Unit.id).in_(ids)))} if ids else {}


def by_state_counts(session: Session, where) -> dict[str, int]:
    rows = session.exec(select(Nomination.state, func.count()).where(where).group_by(Nomination.state))
    return {state.value: count for state, count in rows}


def one(session: Session, model, record_id: int, condition, what: str):
    """The record, if it exists and the caller may see it; else the one answer for both."""
    query = select(model).where(col(model.id) == record_id)
    found = session.exec(query.where(condition) if condition is not None else query).first()
    if found is None:
        raise NotFound(f"Không có {what} #{record_id}")
    return found


def _submissions(session: Session, batches: list[Submission]) -> list[dict]:
    units = _units(session, {i for b in batches for i in (b.from_unit_id, b.to_unit_id)})
    counts = _counts(session, SubmissionItem.submission_id, [b.id for b in batches])
    return [
        b.model_dump()
        | {
            "state": b.state,
            "from_unit": Ref(id=b.from_unit_id, name=units[b.from_unit_id].name),
            "to_unit": Ref(id=b.to_unit_id, name=units[b.to_unit_id].name),
            "nominations": counts.get(b.id, 0),
        }
        for b in batches
    ]


SUBMISSION_COLUMNS: Columns = [
    ("Số", "id", 8),
    ("Số, ký hiệu", "symbol", 20),
    ("Loại", lambda b: SUBMISSION_KINDS.get(b["kind"], b["kind"]), 14),
    ("Đơn vị gửi", "from_unit.name", 30),
    ("Đơn vị nhận", "to_unit.name", 30),
    ("Trạng thái", "state", 14),
    ("Ngày ký", "signed_on", 12),
    ("Số hồ sơ", "nominations", 10),
    ("Ngày lập", "created_at", 18),
]
SUBMISSION_KINDS = {SubmissionKind.PROPOSAL: "Đề nghị", SubmissionKind.APPRAISAL: "Thẩm định"}


def _paged_submissions(session: Session, where: list, paging: lists.Paging) -> tuple[list[dict], int]:
    batches, total = paged(session, Submission, where, paging)
    return _submissions(session, batches), total


@router.get("/submissions", response_model=Page[SubmissionOut], responses=FILE)
def submissions(
    session: SessionDep,
    actor: ActorDep,
    paging: PagingDep,
    campaign_id: Id = None,
    format: ListFormat = "json",
) -> dict | Response:
    """The batches and Tờ trình the caller's units sent or received, the newest first."""
    by_campaign = col(Submission.campaign_id) == campaign_id if campaign_id else None
    fetch = partial(_paged_submissions, session, [sight.submissions(actor), by_campaign])
    return listed(format, paging, fetch, "to_trinh", SUBMISSION_COLUMNS)


@router.get("/submissions/{submission_id}", response_model=SubmissionDetail)
def submission(submission_id: PathId, session: SessionDep, actor: ActorDep) -> dict:
    batch = one(session, Submission, submission_id, sight.submissions(actor), "Tờ trình")
    carried = col(Nomination.id).in_(
        select(SubmissionItem.nomination_id).where(SubmissionItem.submission_id == batch.id)
    )
    return _submissions(session, [batch])[0] | {"by_state": by_state_counts(session, carried)}


def _meetings(session: Session, actor: Actor, meetings: list[CouncilSession]) -> list[dict]:
    ids = [m.id for m in meetings]
    councils = {
        c.id: c
        for c in session.exec(select(Council).where(col(Council.id).in_({m.council_id for m in meetings})))
    }
    agenda = _counts(session, SessionItem.session_id, ids)
    seats = select(CouncilMember.id).where(CouncilMember.person_id == actor.person_id)
    voted = set(
        session.exec(
            select(BallotCast.session_id).where(
                col(BallotCast.session_id).in_(ids), col(BallotCast.member_id).in_(seats)
            )
        )
    )
    return [
        m.model_dump()
        | {
            "council": Ref(id=m.council_id, name=councils[m.council_id].name),
            "agenda": agenda.get(m.id, 0),
            "member": m.council_id in actor.councils,
            "voted": m.id in voted,
        }
        for m in meetings
    ]


SESSION_COLUMNS: Columns = [
    ("Số", "id", 8),
    ("Hội đồng", "council.name", 36),
    ("Thời gian", "held_at", 18),
    ("Địa điểm", "place", 24),
    ("Trạng thái", "state", 12),
    ("Số, ký hiệu", "symbol", 20),
    ("Số hồ sơ", "agenda", 10),
    ("Kết thúc", "closed_at", 18),
]


@router.get("/council-sessions", response_model=Page[CouncilSessionOut], responses=FILE)
def council_sessions(
    session: SessionDep,
    actor: ActorDep,
    paging: PagingDep,
    council_id: Id = None,
    state: SessionState | None = None,
    format: ListFormat = "json",
) -> dict | Response:
    """The meetings of the councils the caller sits on or serves, the newest first."""
    where = [sight.council_sessions(actor)]
    where += [col(CouncilSession.council_id) == council_id] if council_id else []
    where += [col(CouncilSession.state) == state] if state else []

    def fetch(paging: lists.Paging) -> tuple[list[dict], int]:
        meetings, total = paged(session, CouncilSession, where, paging)
        return _meetings(session, actor, meetings), total

    return listed(format, paging, fetch, "phien_hop", SESSION_COLUMNS)


@router.get("/council-sessions/{session_id}", response_model=CouncilSessionDetail)
def council_session(session_id: PathId, session: SessionDep, actor: ActorDep) -> dict:
    """A meeting: its agenda summarised, whether the caller sits on the council and voted."""
    meeting = one(session, CouncilSession, session_id, sight.council_sessions(actor), "phiên họp")
    people = dict(
        session.exec(
            select(Person.id, Person.full_name).where(
                col(Person.id).in_([meeting.chair_id, meeting.secretary_id])
            )
        ).all()
    )
    on_agenda = col(Nomination.id).in_(
        select(SessionItem.nomination_id).where(SessionItem.session_id == meeting.id)
    )

    def ref(person_id: int | None) -> Ref | None:
        return Ref(id=person_id, name=people[person_id]) if person_id in people else None

    return _meetings(session, actor, [meeting])[0] | {
        "chair": ref(meeting.chair_id),
        "secretary": ref(meeting.secretary_id),
        "by_state": by_state_counts(session, on_agenda),
        "tally": tally(session, meeting.id),
    }


def tally(session: Session, meeting_id: int) -> list[dict]:
    """The meeting's counted results (models.voting.tally), each with its nominee, by name; the
    ballots and written opinions that said neither yes nor no are the invalid ones."""
    results = {
        r.nomination_id: r
        for r in session.exec(select(TallyResult).where(TallyResult.session_id == meeting_id))
    }
    if not results:
        return []
    names = lists.Paging(per_page=len(results), sort="name")
    rows, _ = lists.page(session, [col(Nomination.id).in_(results)], names, today())
    counted = [(n, results[n["id"]]) for n in rows]
    return [
        r.model_dump()
        | {
            "nominee": row["nominee"],
            "award": row["award"],
            "invalid": r.ballots_issued + r.written - r.valid,
        }
        for row, r in counted
    ]


def _decisions(session: Session, decisions: list[Decision]) -> list[dict]:
    ids = [d.id for d in decisions]
    units = _units(session, {d.issuer_unit_id for d in decisions})
    counts = _counts(session, Nomination.decision_id, ids)
    due = (
        dict(
            session.exec(
                select(Nomination.decision_id, func.min(Nomination.due_on))
                .where(col(Nomination.decision_id).in_(ids))
                .group_by(Nomination.decision_id)
            ).all()
        )
        if ids
        else {}
    )
    awards = default_catalogue().for_date(today()).awards
    return [
        d.model_dump()
        | {
            "reference": d.reference,
            "award": AwardRef(
                code=d.award_code, name=awards[d.award_code].name if d.award_code in awards else ""
            ),
            "issuer": Ref(id=d.issuer_unit_id, name=units[d.issuer_unit_id].name),
            "authority": units[d.issuer_unit_id].authority,
            "nominations": counts.get(d.id, 0),
            "due_on": due.get(d.id),
        }
        for d in decisions
    ]


DECISION_COLUMNS: Columns = [
    ("Số", "id", 8),
    ("Số, ký hiệu", "reference", 22),
    ("Danh hiệu, hình thức", lambda d: d["award"].name or d["award"].code, 30),
    ("Năm", "year", 7),
    ("Cơ quan ban hành", "issuer.name", 30),
    ("Người ký", "authority", 24),
    ("Trạng thái", "state", 12),
    ("Ngày ký", "signed_on", 12),
    ("Số hồ sơ", "nominations", 10),
    ("Hạn sớm nhất", "due_on", 12),
]


def _paged_decisions(session: Session, where: list, order: tuple, paging: lists.Paging) -> tuple[list, int]:
    found, total = paged(session, Decision, where, paging, *order)
    return _decisions(session, found), total


@router.get("/decisions", response_model=Page[DecisionOut], responses=FILE)
def decisions(
    session: SessionDep,
    actor: ActorDep,
    paging: PagingDep,
    state: DecisionState | None = None,
    format: ListFormat = "json",
) -> dict | Response:
    """The decisions of the units where the caller holds a role, the newest first."""
    where = [sight.decisions(actor), col(Decision.state) == state if state else None]
    return listed(
        format, paging, partial(_paged_decisions, session, where, ()), "quyet_dinh", DECISION_COLUMNS
    )


@router.get("/decisions/{decision_id}", response_model=DecisionDetail)
def decision(decision_id: PathId, session: SessionDep, actor: ActorDep) -> dict:
    found = one(session, Decision, decision_id, sight.decisions(actor), "quyết định")
    return _decisions(session, [found])[0] | {
        "by_state": by_state_counts(session, col(Nomination.decision_id) == found.id)
    }


@router.get("/queues/appraisal-signature", response_model=Page[SubmissionOut], responses=FILE)
def appraisal_signature_queue(
    session: SessionDep, actor: ActorDep, paging: PagingDep, format: ListFormat = "json"
) -> dict | Response:
    """Tờ trình thẩm định waiting for the signature of the appraising body the caller heads."""
    fetch = partial(_paged_submissions, session, lists.appraisals_to_sign(actor))
    return listed(format, paging, fetch, "to_trinh_cho_ky", SUBMISSION_COLUMNS)


@router.get("/queues/signature", response_model=Page[DecisionOut], responses=FILE)
def signature_queue(
    session: SessionDep, actor: ActorDep, paging: PagingDep, format: ListFormat = "json"
) -> dict | Response:
    """Draft decisions of the units where the caller is the authority who signs, by the earliest
    due date of their nominations: the overdue first."""
    due = select(func.min(Nomination.due_on)).where(Nomination.decision_id == Decision.id).scalar_subquery()
    order = (nulls_last(due.asc()), col(Decision.id))
    fetch = partial(_paged_decisions, session, lists.awaiting_signature(actor), order)
    return listed(format, paging, fetch, "quyet_dinh_cho_ky", DECISION_COLUMNS)
