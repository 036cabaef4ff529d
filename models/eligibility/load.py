"""Histories from the database, set-based: a handful of aggregate queries, however many subjects.

Award and rating years come back from SQL already folded into bitmasks, one row per subject and
code, so a province of 100,000 people costs a few hundred thousand small rows, not millions.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, col, select

from models.clusters import Cluster, ClusterLead
from models.db import chunks, transaction_cache
from models.eligibility.history import BASE_YEAR, History, bulk
from models.history import RATING_RANK, AwardRecord, Discipline, Initiative, Rating, RatingLevel
from models.org import Membership, Person, Unit, UnitKind

WINDOW = 62  # years folded into one signed 64-bit mask; anything older counts as the oldest

Ids = Iterable[int] | sa.Select | None


def _bit_expr(year_col, base: int):
    offset = sa.case((year_col < base, 0), else_=year_col - base)
    return sa.literal(1, sa.BigInteger).op("<<")(offset)


def _filtered(query, column, ids: Ids) -> Iterator:
    """Run `query` for all subjects, a subquery of ids, or a list of ids in chunks."""
    if ids is None or isinstance(ids, sa.Select):
        yield query if ids is None else query.where(column.in_(ids))
        return
    for chunk in chunks(list(ids)):
        yield query.where(column.in_(chunk))


def _rows(session: Session, query, column, ids: Ids):
    """Plain Core rows on the session's connection: no ORM result layer for aggregates."""
    connection = session.connection()
    for q in _filtered(query, column, ids):
        yield from connection.execute(q).all()


def _load(session: Session, kind: str, ids: Ids, year: int, explain: bool) -> dict[int, History]:
    subject = AwardRecord.person_id if kind == "individual" else AwardRecord.collective_id
    rating_subject = Rating.person_id if kind == "individual" else Rating.collective_id
    base = year - WINDOW
    shift = base - BASE_YEAR
    histories: dict[int, History] = {}

    def history(key: int) -> History:
        found = histories.get(key)
        if found is None:
            found = histories[key] = History(kind)
        return found

    # A plain SUM of year bits equals their OR unless a year repeats: then it carries and has
    # fewer bits than rows. Those few (subject, code) pairs are counted again exactly.
    awards = (
        select(subject, AwardRecord.code, sa.func.sum(_bit_expr(AwardRecord.year, base)), sa.func.count())
        .where(subject.is_not(None), AwardRecord.revoked.is_(False), AwardRecord.year <= year)
        .group_by(subject, AwardRecord.code)
    )
    carried = set()
    for key, code, total, count in _rows(session, awards, subject, ids):
        total = int(total)
        if count == total.bit_count():
            found = histories.get(key) or history(key)
            found.awards[code] = total << shift
        else:
            carried.add((key, code))
    if carried:  # the same award twice in one year (two Bằng khen for two achievements)
        exact = (
            select(subject, AwardRecord.code, AwardRecord.year, sa.func.count())
            .where(AwardRecord.revoked.is_(False), AwardRecord.year <= year)
            .group_by(subject, AwardRecord.code, AwardRecord.year)
        )
        for key, code, y, count in _rows(session, exact, subject, sorted({k for k, _ in carried})):
            if (key, code) in carried:
                for _ in range(count):
                    history(key).add_award(code, y)

    levels = list(RatingLevel)
    ratings = (
        select(
            rating_subject,
            *(
                sa.func.sum(sa.case((Rating.level == level, _bit_expr(Rating.year, base)), else_=0))
                for level in levels
            ),
        )
        .where(rating_subject.is_not(None), Rating.year <= year)
        .group_by(rating_subject)
    )
    ranks = [RATING_RANK[level] for level in levels]
    for key, *masks in _rows(session, ratings, rating_subject, ids):
        by_rank = [0, 0, 0, 0]
        for rank, mask in zip(ranks, masks, strict=True):
            by_rank[rank] = int(mask or 0) << shift
        # cumulative: rank r holds every year rated r or better
        by_rank[2] |= by_rank[3]
        by_rank[1] |= by_rank[2]
        by_rank[0] |= by_rank[1]
        history(key).ratings = by_rank

    if kind == "individual":
        initiatives = select(Initiative.person_id, Initiative.year, Initiative.scope).where(
            Initiative.year <= year
        )
        for key, y, scope in _rows(session, initiatives, Initiative.person_id, ids):
            history(key).add_initiative(y, scope)
        measures = select(Discipline.person_id, Discipline.year, Discipline.level).where(
            Discipline.year <= year
        )
        for key, y, level in _rows(session, measures, Discipline.person_id, ids):
            history(key).add_discipline(y, level)

    if explain:
        records = select(
            subject,
            AwardRecord.code,
            AwardRecord.year,
            AwardRecord.id,
            AwardRecord.decision_number,
            AwardRecord.decision_date,
            AwardRecord.issuer,
        ).where(AwardRecord.revoked.is_(False), AwardRecord.year <= year)
        for key, code, y, rid, number, day, issuer in _rows(session, records, subject, ids):
            history(key).add_record(
                code,
                y,
                {
                    "record_id": rid,
                    "decision": number,
                    "decision_date": day.isoformat() if day else None,
                    "issuer": issuer,
                },
            )
    return histories


def load_people(
    session: Session, year: int, person_ids: Ids = None, *, explain: bool = False
) -> dict[int, History]:
    """Histories of the given people (all people when None) up to the review year."""
    with bulk():
        histories = _load(session, "individual", person_ids, year, explain)
    if person_ids is not None and not isinstance(person_ids, sa.Select):
        for pid in person_ids:  # a person with no history yet is still a subject
            histories.setdefault(pid, History(kind="individual"))
    if explain:
        wanted = list(histories)
        for pid, name in _rows(session, select(Person.id, Person.full_name), Person.id, wanted):
            histories[pid].name = name
    return histories


def subtrees(session: Session, unit_ids: Iterable[int]) -> dict[int, set[int]]:
    """Each unit with every unit under it, from one read of the tree."""
    children = defaultdict(list)
    for uid, parent in session.exec(select(Unit.id, Unit.parent_id)):
        children[parent].append(uid)
    trees = {}
    for unit_id in unit_ids:
        found, todo = set(), [unit_id]
        while todo:
            uid = todo.pop()
            found.add(uid)
            todo.extend(children[uid])
        trees[unit_id] = found
    return trees


def subtree(session: Session, unit_id: int) -> set[int]:
    return subtrees(session, [unit_id])[unit_id]


def members_in(session: Session, unit_ids: Iterable[int], year: int) -> dict[int, set[int]]:
    """Unit → people who held a post in it during the year."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    query = select(Membership.unit_id, Membership.person_id).where(
        Membership.start_on <= last,
        sa.or_(Membership.end_on.is_(None), Membership.end_on >= first),
    )
    found: dict[int, set[int]] = defaultdict(set)
    for unit_id, person_id in _rows(session, query, Membership.unit_id, list(unit_ids)):
        found[unit_id].add(person_id)
    return found


def load_collectives(
    session: Session, year: int, unit_ids: Iterable[int], *, explain: bool = False
) -> dict[int, History]:
    """Histories of collectives, each with its members' histories for the composition rules
    (a collective's members are everyone posted in it or in its sub-units that year)."""
    unit_ids = list(unit_ids)
    merged_into = _merged_into(session, unit_ids, year)
    lineage = [*unit_ids, *(u for found in merged_into.values() for u in found if u not in unit_ids)]
    histories = _load(session, "collective", lineage, year, explain)
    trees = subtrees(session, unit_ids)
    posted = members_in(session, set().union(*trees.values()), year) if trees else {}
    members_of = {uid: set().union(*(posted.get(u, set()) for u in tree)) for uid, tree in trees.items()}
    people = load_people(session, year, sorted(set().union(*members_of.values())), explain=explain)
    leads = (
        select(ClusterLead.unit_id, ClusterLead.year, Unit.kind)
        .join(Cluster, Cluster.id == ClusterLead.cluster_id)
        .join(Unit, Unit.id == Cluster.organiser_unit_id)
        .where(ClusterLead.year <= year)
    )
    cluster_level = {
        UnitKind.PROVINCE: "province",
        UnitKind.MINISTRY: "ministry",
        UnitKind.CENTRAL: "central",
    }
    for unit in session.exec(select(Unit).where(Unit.id.in_(unit_ids))):
        h = histories.setdefault(unit.id, History(kind="collective"))
        h.name, h.flag_eligible, h.founded = unit.name, unit.flag_eligible, unit.founded_on
        h.members = [people[pid] for pid in sorted(members_of[unit.id])]
    for unit_id, y, organiser_kind in _rows(session, leads, ClusterLead.unit_id, lineage):
        level = cluster_level.get(UnitKind(organiser_kind))
        if level:
            histories.setdefault(unit_id, History(kind="collective")).add_cluster_lead(level, y)
    for successor, merged in merged_into.items():
        predecessors = [histories.setdefault(u, History("collective")) for u in merged]
        histories.setdefault(successor, History("collective")).predecessors = predecessors
    return {uid: histories[uid] for uid in unit_ids}


def _merged_into(session: Session, unit_ids: list[int], year: int) -> dict[int, list[int]]:
    """Each unit's direct predecessors (the units merged into it by the end of the review year),
    and theirs, for the units given and every predecessor found: their records are the
    successor's where the rule set says so (models/eligibility/history.py, History.inheriting)."""
    found: dict[int, list[int]] = {}
    seen, todo = set(unit_ids), list(unit_ids)
    merged = select(Unit.successor_id, Unit.id).where(Unit.valid_to < date(year, 12, 31))
    while todo:
        rows = session.exec(merged.where(Unit.successor_id.in_(todo))).all()
        todo = [unit_id for _, unit_id in rows if unit_id not in seen]
        seen.update(todo)
        for successor, unit_id in rows:
            found.setdefault(successor, []).append(unit_id)
    return found


# ---------------------------------------------------------------- a batch's histories, read once

HISTORY_TABLES = (AwardRecord, Rating, Initiative, Discipline, Membership)


def histories_of(session: Session, year: int, subjects: Iterable) -> dict[tuple[str, int], History]:
    """The histories of these nominations' subjects (explained), read set-based once for the
    rest of the transaction: a batch's guards then check each without querying again."""
    if session.new or session.dirty or session.deleted:
        session.flush()  # a pending change to a history drops what was read (below)
    cache = transaction_cache(session).setdefault("histories", {})
    wanted = {("p" if n.person_id else "c", n.person_id or n.collective_id) for n in subjects}
    people = sorted(k for kind, k in wanted if kind == "p" and (year, kind, k) not in cache)
    units = sorted(k for kind, k in wanted if kind == "c" and (year, kind, k) not in cache)
    if people:
        cache.update({(year, "p", k): h for k, h in load_people(session, year, people, explain=True).items()})
    if units:
        cache.update(
            {(year, "c", k): h for k, h in load_collectives(session, year, units, explain=True).items()}
        )
    return cache


def subject_key(year: int, subject) -> tuple[int, str, int]:
    """Where `histories_of` keeps the history of a nomination's (or any record's with person_id /
    collective_id) subject."""
    return (year, "p", subject.person_id) if subject.person_id else (year, "c", subject.collective_id)


def history_of(session: Session, year: int, subject) -> History:
    """One nomination's subject's history."""
    return histories_of(session, year, [subject])[subject_key(year, subject)]


def staff_of_many(session: Session, unit_ids: Iterable[int], year: int) -> dict[int, set[int]]:
    """Everyone posted in each unit or its sub-units during the year; read once per transaction,
    the units not read yet together."""
    if _pending(session, (Membership, Unit)):  # what it reads, written first
        session.flush()
    cache, unit_ids = transaction_cache(session).setdefault("staff", {}), list(unit_ids)
    unread = sorted({u for u in unit_ids if (u, year) not in cache})
    if unread:
        trees = subtrees(session, unread)
        posted = members_in(session, set().union(*trees.values()), year)
        for unit_id, tree in trees.items():
            cache[unit_id, year] = set().union(*(posted.get(u, set()) for u in tree))
    return {u: cache[u, year] for u in unit_ids}


def staff_of(session: Session, unit_id: int, year: int) -> set[int]:
    return staff_of_many(session, [unit_id], year)[unit_id]


def holders_among_staff(
    session: Session, unit_ids: Iterable[int], year: int, codes: Iterable[str]
) -> dict[tuple[int, str], set[int]]:
    """Per unit and award code, who of the unit's staff (`staff_of_many`) holds the award for the
    year in their history (a quota's pool): read once per transaction, what was not read yet
    together, and read again once an award or a posting changes."""
    if _pending(session, (AwardRecord, Membership, Unit)):
        session.flush()
    cache, unit_ids, codes = transaction_cache(session).setdefault("holders", {}), set(unit_ids), set(codes)
    unread = {(u, c) for u in unit_ids for c in codes if (u, year, c) not in cache}
    if unread:
        staff = staff_of_many(session, {u for u, _ in unread}, year)
        query = select(AwardRecord.code, AwardRecord.person_id).where(
            col(AwardRecord.code).in_(sorted({c for _, c in unread})),
            AwardRecord.year == year,
            AwardRecord.revoked.is_(False),
        )
        held = defaultdict(set)
        for chunk in chunks(sorted(set().union(*staff.values()))):
            for code, person_id in session.exec(query.where(col(AwardRecord.person_id).in_(chunk))):
                held[code].add(person_id)
        for unit_id, code in unread:
            cache[unit_id, year, code] = held[code] & staff[unit_id]
    return {(u, c): cache[u, year, c] for u in unit_ids for c in codes}


def _pending(session: Session, tables: tuple[type, ...]) -> bool:
    """A change to one of these tables waits to be flushed: what was read of them is stale."""
    return any(isinstance(o, tables) for o in (*session.new, *session.dirty, *session.deleted))


@sa.event.listens_for(Session, "before_flush")
def _histories_changed(session: Session, _context, _instances) -> None:
    if _pending(session, HISTORY_TABLES):
        transaction_cache(session).pop("histories", None)
    if _pending(session, (Membership, Unit)):
        transaction_cache(session).pop("staff", None)
    if _pending(session, (AwardRecord, Membership, Unit)):
        transaction_cache(session).pop("holders", None)
