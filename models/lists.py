"""Lists of nominations and the work queues, filtered, sorted and paged in the database: one COUNT
and one page query, then the names on the page in one query per kind (never one per row).

A queue is what waits for the caller's step, read off the route table (models/route.py): the
states a step leaves and the roles that take it at whose unit. Intake: the secretariat's accept
or return, on what was submitted to its unit. Returned: resubmitting, by whoever sent it. Agenda:
a member's ballot in an open session they have not voted in yet. Signature: the authority's."""

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, func, select

from models import search, sight
from models.access import Actor
from models.audit import Event
from models.campaigns import Campaign
from models.catalogue import STAGES, default_catalogue
from models.councils import BallotCast, CouncilMember, CouncilSession, SessionItem, SessionState
from models.decisions import Decision
from models.nominations import Nomination, State, Submission, SubmissionItem, SubmissionKind
from models.org import Person, Unit
from models.route import APPRAISAL, COUNCIL_SESSION, DECISION, NOMINATION, Step

N = Nomination
DUE = frozenset(State(s) for s in STAGES)  # the stages with a due date: overdue past it
SORTS = ("id", "due_on", "created_at", "state", "name")
COLUMNS = (
    N.id,
    N.person_id,
    N.collective_id,
    N.award_code,
    N.unit_id,
    N.handling_unit_id,
    N.state,
    N.level,
    N.due_on,
    N.returns,
    N.version,
    N.created_at,
    N.campaign_id,
)


@dataclass
class Filters:
    unit_id: int | None = None  # the nominating unit
    handling_unit_id: int | None = None
    year: int | None = None  # the campaign's achievement year
    award: str | None = None
    states: list[State] = field(default_factory=list)
    level: int | None = None
    due_before: date | None = None
    overdue: bool | None = None
    q: str | None = None  # the nominee's name
    submission_id: int | None = None  # carried by this Tờ trình (at any level)


@dataclass
class Paging:
    page: int = 1
    per_page: int = 50
    sort: str = "id"
    descending: bool = False


def overdue(today: date) -> sa.ColumnElement[bool]:
    return sa.and_(col(N.due_on) < today, col(N.state).in_(DUE))


def named(session: Session, q: str) -> sa.ColumnElement[bool]:
    """Nominees whose name (a person's, a collective's) has words beginning with the query's."""
    people, units = search.matching(session, "person", q), search.matching(session, "unit", q)
    if people is None:
        return sa.false()
    # one set of ids, found through the nominee indexes, for the database to start from
    found = select(N.id).where(col(N.person_id).in_(people))
    return col(N.id).in_(found.union(select(N.id).where(col(N.collective_id).in_(units))))


def conditions(session: Session, f: Filters, today: date) -> list[sa.ColumnElement[bool]]:
    found = []
    for column, value in ((N.unit_id, f.unit_id), (N.handling_unit_id, f.handling_unit_id)):
        if value is not None:
            found.append(col(column) == value)
    if f.award is not None:
        found.append(col(N.award_code) == f.award)
    if f.level is not None:
        found.append(col(N.level) == f.level)
    if f.states:
        found.append(col(N.state).in_(f.states))
    if f.year is not None:
        found.append(col(N.campaign_id).in_(select(Campaign.id).where(Campaign.year == f.year)))
    if f.due_before is not None:
        found.append(col(N.due_on) < f.due_before)
    if f.overdue is not None:
        found.append(overdue(today) if f.overdue else sa.not_(overdue(today)) | col(N.due_on).is_(None))
    if f.q is not None:
        found.append(named(session, f.q))
    if f.submission_id is not None:
        carried = select(SubmissionItem.nomination_id).where(SubmissionItem.submission_id == f.submission_id)
        found.append(col(N.id).in_(carried))
    return found


def _order(query: sa.Select, paging: Paging) -> sa.Select:
    if paging.sort == "name":
        person, collective = aliased(Person), aliased(Unit)
        query = query.outerjoin(person, col(person.id) == N.person_id).outerjoin(
            collective, col(collective.id) == N.collective_id
        )
        key = func.coalesce(person.full_name, collective.name)
    else:
        key = getattr(N, paging.sort)
    first = sa.desc(key) if paging.descending else sa.asc(key)
    if paging.sort == "due_on":  # the undated after the dated, either way
        first = sa.nulls_last(first)
    return query.order_by(first, sa.desc(N.id) if paging.descending else sa.asc(N.id))


# A list counts its rows up to here and says "more than": counting every one of 200,000 visible
# people or nominations costs a second (bench/api.py), and nobody pages that far.
COUNT_CAP = 10_000


def counted(session: Session, model, where: list) -> int:
    """How many records meet the conditions, up to COUNT_CAP + 1 (COUNT_CAP + 1 means more)."""
    capped = select(model.id).where(*where).limit(COUNT_CAP + 1).subquery()
    return session.exec(select(func.count()).select_from(capped)).one()


def page(
    session: Session, where: list[sa.ColumnElement[bool]], paging: Paging, today: date
) -> tuple[list[dict], int]:
    """The page of nominations meeting every condition, and how many meet them (`counted`)."""
    total = counted(session, N, where)
    query = _order(select(*COLUMNS).where(*where), paging)
    rows = session.exec(query.offset((paging.page - 1) * paging.per_page).limit(paging.per_page)).all()
    return summaries(session, rows, today), total


def summaries(session: Session, rows, today: date) -> list[dict]:
    """Nomination rows (COLUMNS) as list items, with the names they refer to read at once."""
    people = _names(session, Person.id, Person.full_name, {r.person_id for r in rows})
    unit_ids = {i for r in rows for i in (r.unit_id, r.handling_unit_id, r.collective_id)}
    units = _names(session, Unit.id, Unit.name, unit_ids)
    years = _names(session, Campaign.id, Campaign.year, {r.campaign_id for r in rows})
    awards = default_catalogue().for_date(today).awards
    return [
        {
            "id": r.id,
            "nominee": people[r.person_id] if r.person_id else units[r.collective_id],
            "kind": "individual" if r.person_id else "collective",
            "person_id": r.person_id,
            "collective_id": r.collective_id,
            "award": {
                "code": r.award_code,
                "name": awards[r.award_code].name if r.award_code in awards else "",
            },
            "year": years[r.campaign_id],
            "campaign_id": r.campaign_id,
            "unit": {"id": r.unit_id, "name": units[r.unit_id]},
            "handling_unit": {"id": r.handling_unit_id, "name": units[r.handling_unit_id]},
            "state": r.state.value,
            "state_label": r.state.label,
            "level": r.level,
            "due_on": r.due_on,
            "overdue": bool(r.due_on and r.due_on < today and r.state in DUE),
            "returns": r.returns,
            "version": r.version,
            "created_at": r.created_at,
        }
        for r in rows
    ]


def _names(session: Session, key, value, ids: set) -> dict:
    ids.discard(None)
    return dict(session.exec(select(key, value).where(col(key).in_(ids))).all()) if ids else {}


# ------------------------------------------------------------------------------- the queues

QUEUE_ORDER = Paging(sort="due_on")  # the earliest due first: the overdue come first


def units_for(actor: Actor, step: Step) -> set[int] | None:
    """The units where the actor may take the step (None: anywhere, an administrator)."""
    return None if actor.is_admin else sight.role_units(actor, step.who)


def _at(column, units: set[int] | None) -> sa.ColumnElement[bool]:
    return sa.true() if units is None else col(column).in_(units)


def intake(actor: Actor) -> list[sa.ColumnElement[bool]]:
    """Submitted (and resubmitted) to the units where the caller receives dossiers."""
    step = NOMINATION["accept"]
    return [col(N.state).in_(step.source), _at(N.handling_unit_id, units_for(actor, step))]


def returned(actor: Actor) -> list[sa.ColumnElement[bool]]:
    """Returned to the units that sent them, where the caller may resubmit."""
    step = NOMINATION["resubmit"]
    sent = select(Submission.id).where(_at(Submission.from_unit_id, units_for(actor, step)))
    return [col(N.state).in_(step.source), col(N.submission_id).in_(sent)]


def return_reasons(session: Session, ids: list[int]) -> dict[int, str]:
    """The reason each nomination was last returned for, from the audit log."""
    events = select(Event.entity_id, Event.reason).where(
        Event.entity == "nomination", col(Event.entity_id).in_(ids), Event.action == "return"
    )
    return dict(session.exec(events.order_by(col(Event.id))).all())  # the latest wins


def open_ballots(session: Session, actor: Actor) -> sa.Select:
    """The open sessions of the caller's councils where they have not voted yet."""
    step = COUNCIL_SESSION["cast_ballot"]
    seats = select(CouncilMember.id).where(
        CouncilMember.person_id == actor.person_id, col(CouncilMember.council_id).in_(actor.councils)
    )
    voted = select(BallotCast.session_id).where(col(BallotCast.member_id).in_(seats))
    return select(CouncilSession.id).where(
        col(CouncilSession.council_id).in_(actor.councils),
        col(CouncilSession.state).in_([SessionState(s) for s in step.source]),
        col(CouncilSession.id).not_in(voted),
    )


def agenda(session: Session, actor: Actor) -> list[sa.ColumnElement[bool]]:
    on_agenda = select(SessionItem.nomination_id).where(
        col(SessionItem.session_id).in_(open_ballots(session, actor))
    )
    return [col(N.id).in_(on_agenda)]


def sessions_of(session: Session, ids: list[int], open_ids: sa.Select) -> dict[int, CouncilSession]:
    """The open session each nomination is on the agenda of."""
    rows = session.exec(
        select(SessionItem.nomination_id, CouncilSession)
        .join(CouncilSession, col(CouncilSession.id) == SessionItem.session_id)
        .where(col(SessionItem.nomination_id).in_(ids), col(CouncilSession.id).in_(open_ids))
    )
    return dict(rows.all())


def awaiting_signature(actor: Actor) -> list[sa.ColumnElement[bool]]:
    step = DECISION["sign"]
    return [col(Decision.state).in_(step.source), _at(Decision.issuer_unit_id, units_for(actor, step))]


def appraisals_to_sign(actor: Actor) -> list[sa.ColumnElement[bool]]:
    """Tờ trình thẩm định drafted for the appraising bodies whose head the caller is."""
    step = APPRAISAL["sign_appraisal"]
    return [
        Submission.kind == SubmissionKind.APPRAISAL,
        col(Submission.signer_id).is_(None),
        _at(Submission.from_unit_id, units_for(actor, step)),
    ]
