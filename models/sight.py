"""What a person may see, as SQL conditions, so that a list of 200,000 rows is filtered by the
database and not in Python. Each mirrors the rule its record's own page applies, so that a list
never shows what the page would deny, nor hides what it shows:

- a nomination: `models.workflow.visible` (its nominee; their units nominating or handling it;
  the units it passed through; their councils' agendas), a unit's including the units merged
  into it;
- a council session: `route.hidden` (a role at the council's unit, or a seat on it);
- a decision: `route.hidden` (a role at the issuing unit);
- a Tờ trình: a role at the unit that sent it or the one it went to.

The directory is wider: a person with roles sees the units at and below those where they hold
them, with the people who work there, and the units above for the tree; a council member, their
councils and fellow members; anyone, themselves and the units they work in. An administrator
(and the engine) sees everything: their conditions are None."""

from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, col, select

from models.access import Actor
from models.campaigns import Campaign
from models.councils import Council, CouncilMember, CouncilSession, SessionItem
from models.decisions import Decision
from models.errors import NotFound
from models.nominations import Nomination, State, Submission, SubmissionItem
from models.org import Membership, Person, Unit
from models.routing import Org

Condition = sa.ColumnElement[bool] | None  # None: no restriction


def everything(actor: Actor) -> bool:
    return actor.system or actor.is_admin


def role_units(actor: Actor, roles=None) -> set[int]:
    """The units where the actor holds a role (one of `roles`, if given)."""
    return {unit for role, unit in actor.grants if roles is None or role in roles}


def inherited(units: set[int]) -> sa.Select:
    """These units and every unit merged into one of them, at any remove (WITH RECURSIVE over
    successors): a merged unit's files are its successor's to follow (Resolution 202/2025/QH15
    merges provinces; the successor's secretariat answers for their nominations)."""
    tree = select(Unit.id).where(col(Unit.id).in_(units)).cte("inherited", recursive=True)
    tree = tree.union_all(select(Unit.id).join(tree, col(Unit.successor_id) == tree.c.id))
    return select(tree.c.id)


def nominations(actor: Actor) -> Condition:
    """Never a deleted draft (its trail stays in the log), except to the engine."""
    if actor.system:
        return None
    n, held = Nomination, role_units(actor)
    alive = col(n.state) != State.DELETED
    if actor.is_admin:
        return alive
    seen = [col(n.person_id) == actor.person_id]
    # EXISTS, looked up by nomination: the database checks only the rows its other conditions
    # leave (a name search's dozen), where an IN would read every batch item of the units first
    if held:
        units = inherited(held)
        passed = (
            select(SubmissionItem.submission_id)
            .join(Submission, col(Submission.id) == SubmissionItem.submission_id)
            .where(
                SubmissionItem.nomination_id == n.id,
                col(Submission.from_unit_id).in_(units) | col(Submission.to_unit_id).in_(units),
            )
        )
        seen += [col(n.unit_id).in_(units), col(n.handling_unit_id).in_(units), passed.exists()]
    if actor.councils:
        agenda = (
            select(SessionItem.session_id)
            .join(CouncilSession, col(CouncilSession.id) == SessionItem.session_id)
            .where(SessionItem.nomination_id == n.id, col(CouncilSession.council_id).in_(actor.councils))
        )
        seen.append(agenda.exists())
    return alive & sa.or_(*seen)


def submissions(actor: Actor) -> Condition:
    if everything(actor):
        return None
    units = role_units(actor)
    return col(Submission.from_unit_id).in_(units) | col(Submission.to_unit_id).in_(units)


def council_sessions(actor: Actor) -> Condition:
    if everything(actor):
        return None
    at_units = select(Council.id).where(col(Council.unit_id).in_(role_units(actor)))
    return col(CouncilSession.council_id).in_(actor.councils) | col(CouncilSession.council_id).in_(at_units)


def decisions(actor: Actor) -> Condition:
    return None if everything(actor) else col(Decision.issuer_unit_id).in_(role_units(actor))


# ------------------------------------------------------------------------------- the directory


def own_units(session: Session, actor: Actor) -> set[int]:
    """The units the actor works in (any post, past ones included)."""
    return set(session.exec(select(Membership.unit_id).where(Membership.person_id == actor.person_id)))


def held_units(session: Session, actor: Actor) -> set[int]:
    """The units where the actor holds a role, and those merged into them (their people and
    files are the successor's to follow)."""
    org, held = Org.of(session), role_units(actor)
    return held | {p.id for u in held for p in org.predecessors(u)}


def units_below(session: Session, actor: Actor) -> set[int]:
    """The units at and below `held_units`: whose people they see."""
    return Org.of(session).below(held_units(session, actor))


def below_roles(session: Session, actor: Actor, column) -> sa.ColumnElement[bool]:
    """`column` is one of `units_below`, walked by the database (WITH RECURSIVE): a province's
    thousand unit ids bound into every query cost more to send and plan than the walk. PostgreSQL
    takes the walk as an array, computed once per query; as an IN it joins the thousand units
    again for each row checked (a name search of 564 people: 31 → 7 ms)."""
    tree = select(Unit.id).where(col(Unit.id).in_(held_units(session, actor))).cte("below", recursive=True)
    tree = tree.union_all(select(Unit.id).join(tree, col(Unit.parent_id) == tree.c.id))
    below = select(tree.c.id)
    if session.get_bind().dialect.name == "postgresql":
        return column == sa.any_(sa.func.array(below.scalar_subquery()))
    return column.in_(below)


def units(session: Session, actor: Actor) -> set[int] | None:
    """The units in the actor's sight: those below their roles, and every unit above those, their
    own units and their councils' units (the tree around them)."""
    if everything(actor):
        return None
    org = Org.of(session)
    council_units = set(session.exec(select(Council.unit_id).where(col(Council.id).in_(actor.councils))))
    near = role_units(actor) | own_units(session, actor) | council_units
    return units_below(session, actor) | {a.id for u in near for a in org.ancestors(u)}


def people(session: Session, actor: Actor) -> Condition:
    if everything(actor):
        return None
    # EXISTS, looked up by person: an IN over every person of a province's units would be read
    # whole for each query, even when a name search leaves a handful of people to check
    working = select(Membership.id).where(
        Membership.person_id == Person.id, below_roles(session, actor, col(Membership.unit_id))
    )
    fellows = select(CouncilMember.id).where(
        CouncilMember.person_id == Person.id, col(CouncilMember.council_id).in_(actor.councils)
    )
    return sa.or_(col(Person.id) == actor.person_id, working.exists(), fellows.exists())


def councils(session: Session, actor: Actor) -> Condition:
    if everything(actor):
        return None
    return col(Council.id).in_(actor.councils) | below_roles(session, actor, col(Council.unit_id))


def sees_council(session: Session, actor: Actor, council_id: int) -> bool:
    condition = councils(session, actor)
    query = select(Council.id).where(Council.id == council_id)
    return condition is None or session.exec(query.where(condition)).first() is not None


def in_force(day: date) -> sa.ColumnElement[bool]:
    """Units in existence on the day (reorganisations are effective dates)."""
    return sa.and_(
        col(Unit.valid_from).is_(None) | (col(Unit.valid_from) <= day),
        col(Unit.valid_to).is_(None) | (col(Unit.valid_to) >= day),
    )


def where(query: sa.Select, *conditions: Condition) -> sa.Select:
    """The query restricted by each condition given (None restricts nothing)."""
    return query.where(*(c for c in conditions if c is not None))


def campaign(session: Session, actor: Actor, campaign_id: int) -> Campaign:
    """A campaign organised in the actor's sight (units()); to others, as one that does not exist."""
    found = session.get(Campaign, campaign_id)
    seen = units(session, actor)
    if found is None or (seen is not None and found.organiser_unit_id not in seen):
        raise NotFound(f"Không có đợt thi đua #{campaign_id}")
    return found
