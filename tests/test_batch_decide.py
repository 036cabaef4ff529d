"""Issuing a decision and telling those it concerns are batch-shaped (issue 13 §1): the SQL a
step runs does not grow with the decision's list — its nominations conferred together, their
award records inserted in one statement, the notifications read and written per batch."""

from datetime import date
from unicodedata import normalize

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from flows.stages import tell_decision
from models import decide
from models.access import load_actor, system_actor
from models.db import session_scope
from models.decide import draft_decision, issue, sign
from models.decisions import Decision
from models.errors import StaleVersion
from models.history import AwardRecord, Rating
from models.nominations import Nomination, State
from models.notify import Notice, Notification, holders_at, notify_many
from models.org import Role
from tests.factories import NOW, YEAR, Province, on, person
from tests.test_case_page import statements
from tests.test_races import race
from tests.test_workflow import draft, through_unit_council

SIGNED_ON = date(2025, 12, 20)


def recommended(session: Session, prov: Province, size: int, tag: str) -> list[Nomination]:
    """`size` new workers nominated for the advanced-worker title and recommended by the unit
    council."""
    nominations = []
    for i in range(size):
        key = f"{tag}{i}"
        prov.people[key] = person(session, f"Người lao động {tag} {i + 1}", prov.units["ns"])
        session.add(Rating(person_id=prov.people[key].id, year=YEAR, level="HTT"))
        nominations.append(draft(session, prov, key=key))
    through_unit_council(session, prov, nominations)
    session.flush()
    return nominations


def signed_decision(session: Session, prov: Province, size: int, tag: str) -> int:
    """A signed decision conferring the title on `size` such workers."""
    nominations = recommended(session, prov, size, tag)
    decision = draft_decision(session, prov.actors["unit_secretariat"], nominations, now=NOW)
    sign(session, prov.actors["director"], decision.id, signed_on=SIGNED_ON, now=on(SIGNED_ON))
    session.flush()
    return decision.id


def issued(session: Session, decision_id: int) -> list[str]:
    with statements() as seen:
        issue(session, system_actor(), decision_id, now=on(SIGNED_ON))
        session.flush()
    return seen


def test_a_decisions_nominations_are_conferred_and_their_award_records_written_in_one_statement(
    session, province
):
    decision_id = signed_decision(session, province, 30, "a")
    seen = issued(session, decision_id)
    assert sum(s.startswith("INSERT INTO awardrecord") for s in seen) == 1
    records = session.exec(select(AwardRecord).where(AwardRecord.decision_id == decision_id)).all()
    assert sorted(r.golden_book for r in records) == [f"{n:04d}/2025" for n in range(1, 31)]
    assert {(r.decision_number, r.year, r.code) for r in records} == {("01/QĐ-STC", 2025, "LDTT")}
    listed = session.exec(select(Nomination).where(Nomination.decision_id == decision_id)).all()
    assert {n.state for n in listed} == {State.CONFERRED}
    assert {r.person_id for r in records} == {n.person_id for n in listed}


def test_issuing_a_decision_of_thirty_runs_as_many_statements_as_a_decision_of_one(session, province):
    one, thirty = signed_decision(session, province, 1, "a"), signed_decision(session, province, 30, "b")
    assert len(issued(session, thirty)) == len(issued(session, one))


def test_drafting_a_decision_of_thirty_runs_as_many_statements_as_a_decision_of_one(session, province):
    one, thirty = recommended(session, province, 1, "a"), recommended(session, province, 30, "b")
    read = {n.id: n.version for n in one + thirty}
    counts, drafted = {}, {}
    for batch in (one, thirty):
        with statements() as seen:
            decision = draft_decision(session, province.actors["unit_secretariat"], batch, now=NOW)
            session.flush()
        counts[len(batch)] = len(seen)
        drafted |= {n.id: (decision.id, read[n.id] + 1) for n in batch}
    assert counts[30] == counts[1]
    assert {n.id: (n.decision_id, n.version) for n in one + thirty} == drafted
    session.expire_all()  # the database holds what the session was told
    assert {n.id: (n.decision_id, n.version) for n in one + thirty} == drafted


def test_a_nomination_changed_behind_the_drafters_back_refuses_the_whole_draft(session, province):
    first, second = recommended(session, province, 2, "a")
    bump = sa.update(Nomination).where(Nomination.id == second.id).values(version=Nomination.version + 1)
    session.exec(bump.execution_options(synchronize_session=False))
    with pytest.raises(StaleVersion):
        draft_decision(session, province.actors["unit_secretariat"], [first, second], now=NOW)


def test_of_two_decisions_drafted_from_one_nomination_at_once_one_wins(app_db, prov):
    with session_scope(app_db) as session:
        (n,) = recommended(session, prov, 1, "a")
    secretariat = prov.people["unit_secretariat"].id

    def drafts(s):
        decide.draft_decision(s, load_actor(s, secretariat), [s.get(Nomination, n.id)], now=NOW)

    assert race(app_db, [drafts, drafts]) == {"ok": 1, 409: 1}
    with Session(app_db) as session:
        assert session.get(Nomination, n.id).decision_id is not None
        assert session.exec(select(sa.func.count()).select_from(Decision)).one() == 1


def test_telling_a_decision_of_thirty_runs_as_many_statements_as_a_decision_of_one(app_db, prov):
    with session_scope(app_db) as session:
        one, thirty = signed_decision(session, prov, 1, "a"), signed_decision(session, prov, 30, "b")
        for decision_id in (one, thirty):
            issue(session, system_actor(), decision_id, now=on(SIGNED_ON))
    counts = {}
    for decision_id, size in ((one, 1), (thirty, 30)):
        with statements() as seen:
            assert tell_decision.fn(decision_id) == size + 1  # each person, and the unit's officer
        counts[size] = len(seen)
    print(*seen, sep="\n")
    assert counts[30] == counts[1]
    with Session(app_db) as session:
        to_officer = session.exec(
            select(Notification).where(
                Notification.key == f"decision:{thirty}:unit:{prov.units['stc'].id}:"
                f"{prov.people['officer'].id}"
            )
        ).one()
    names = ", ".join(f"Người lao động b {i + 1}" for i in range(30))
    assert to_officer.body == f"Được khen thưởng: {names}."
    assert tell_decision.fn(thirty) == 0  # a second run sends nothing twice


def test_holders_of_many_units_are_read_at_once(session, province):
    stc, prov_unit, ns = (province.units[k].id for k in ("stc", "province", "ns"))
    with statements() as seen:
        secretaries = holders_at(session, Role.SECRETARIAT, [stc, prov_unit, ns, stc])
    assert len(seen) == 1
    assert secretaries == {
        stc: [province.people["unit_secretariat"].id],
        prov_unit: [province.people["province_secretariat"].id],
        ns: [],
    }


def test_notify_many_sends_each_key_once_per_person_in_nfc_and_a_second_time_nothing(session, province):
    good, officer = province.people["good"].id, province.people["officer"].id
    notices = [
        Notice([officer, good, good], "test", "Hồ sơ", "Nội dung", ("nomination", 1), "a"),
        Notice([officer], "test", normalize("NFD", "Hồ sơ khác"), "", ("nomination", 2), "b"),
    ]
    made = notify_many(session, notices)
    assert {(n.key, n.person_id, n.title) for n in made} == {
        (f"a:{good}", good, "Hồ sơ"),
        (f"a:{officer}", officer, "Hồ sơ"),
        (f"b:{officer}", officer, "Hồ sơ khác"),
    }
    assert all(n.id is not None and n.entity == "nomination" for n in made)
    again = notify_many(session, [*notices, Notice([good], "test", "Mới", "", ("nomination", 3), "c")])
    assert [n.key for n in again] == [f"c:{good}"]
