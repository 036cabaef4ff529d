"""Concurrent actions on the same thing, each in its own transaction as two requests would be: one
wins, the others are refused with a conflict (409) — on SQLite and on PostgreSQL alike."""

import threading
from collections import Counter
from collections.abc import Callable
from datetime import date

from sqlmodel import Session, func, select

from models import appraisal, decide, voting, workflow
from models.access import load_actor
from models.audit import Event, verify
from models.councils import BallotCast, Choice
from models.db import session_scope
from models.errors import DomainError
from models.nominations import Nomination
from tests.factories import NOW
from tests.test_route import placed
from tests.test_workflow import before_unit_council, draft, through_unit_council


def race(engine, takers: list[Callable[[Session], object]]) -> Counter:
    """Run each taker in a thread of its own, all released at once, each in its own committed
    transaction; how each ended: 'ok', or the status of the domain's refusal."""
    gate, outcomes = threading.Barrier(len(takers)), []

    def run(take):
        gate.wait()
        try:
            with session_scope(engine) as session:
                take(session)
            outcomes.append("ok")
        except DomainError as refusal:
            outcomes.append(refusal.status)
        except Exception as error:  # anything else is a 500 in the service: the test fails
            outcomes.append(repr(error))

    threads = [threading.Thread(target=run, args=(take,)) for take in takers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return Counter(outcomes)


def events(engine, action: str) -> int:
    with Session(engine) as session:
        assert verify(session) is None
        return session.exec(select(func.count()).where(Event.action == action)).one()


def test_of_two_signatures_of_one_decision_one_wins(app_db, prov):
    with session_scope(app_db) as session:
        n = draft(session, prov)
        through_unit_council(session, prov, [n])
        decision_id = decide.draft_decision(session, prov.actors["unit_secretariat"], [n], now=NOW).id
    director = prov.people["director"].id

    def sign(day):
        return lambda s: decide.sign(s, load_actor(s, director), decision_id, signed_on=day, now=NOW)

    assert race(app_db, [sign(date(2025, 12, 12)), sign(date(2025, 12, 15))]) == {"ok": 1, 409: 1}
    assert events(app_db, "sign") == 1


def test_of_two_appraisals_of_one_nomination_and_two_signatures_of_one_appraisal_one_wins(app_db, prov):
    with session_scope(app_db) as session:
        n = placed(session, prov, "recommended", "CSTD_TINH", "fighter", level=1)
    secretariat, head = prov.people["province_secretariat"].id, prov.people["snv_director"].id

    def appraise(s):
        return appraisal.appraise(s, load_actor(s, secretariat), [s.get(Nomination, n.id)], now=NOW)

    assert race(app_db, [appraise, appraise]) == {"ok": 1, 409: 1}
    assert events(app_db, "appraise") == 1
    with Session(app_db) as session:
        (drafted,) = session.exec(select(Event.entity_id).where(Event.action == "appraise")).all()

    def sign(day):
        return lambda s: appraisal.sign_appraisal(s, load_actor(s, head), drafted, signed_on=day, now=NOW)

    assert race(app_db, [sign(date(2025, 12, 12)), sign(date(2025, 12, 15))]) == {"ok": 1, 409: 1}
    assert events(app_db, "sign_appraisal") == 1


def test_of_two_closings_of_one_session_one_wins(app_db, prov):
    with session_scope(app_db) as session:
        meeting_id = before_unit_council(session, prov, [draft(session, prov)]).id
    secretariat = prov.people["unit_secretariat"].id

    def close(s):
        return voting.close_session(s, load_actor(s, secretariat), meeting_id, now=NOW)

    assert race(app_db, [close, close, close]) == {"ok": 1, 409: 2}
    assert events(app_db, "close_session") == 1


def test_of_many_steps_on_one_nomination_at_once_one_wins(app_db, prov):
    """Each person acts on the version they saw: the first step changes it, so every other
    is refused, even one the new state would allow (a withdrawal after a return)."""
    with session_scope(app_db) as session:
        n = draft(session, prov)
        before_unit_council(session, prov, [n])  # on the agenda: then back to where steps compete
    with session_scope(app_db) as session:
        n = session.get(Nomination, n.id)
        n.state = "submitted"
        session.add(n)
    seen = n.version  # what each of them has on the screen
    people = {k: prov.people[k].id for k in ("officer", "unit_secretariat")}

    def step(who, action):
        def take(s):
            nomination, actor = s.get(Nomination, n.id), load_actor(s, people[who])
            workflow.apply(s, nomination, action, actor, reason="Lý do", expected_version=seen, now=NOW)

        return take

    takers = [
        step("unit_secretariat", "return"),
        step("unit_secretariat", "reject"),
        step("officer", "withdraw"),
        step("unit_secretariat", "return"),
        step("officer", "withdraw"),
        step("unit_secretariat", "reject"),
    ]
    outcomes = race(app_db, takers)
    assert outcomes["ok"] == 1 and outcomes[409] == 5, outcomes
    with Session(app_db) as session:
        assert session.get(Nomination, n.id).state in {"returned", "rejected", "withdrawn"}


def test_two_ballots_of_one_member_at_once_count_once(app_db, prov):
    with session_scope(app_db) as session:
        n = draft(session, prov)
        meeting_id = before_unit_council(session, prov, [n]).id
        member = prov.members["stc"][1]
        voting.record_attendance(
            session, prov.actors["unit_secretariat"], meeting_id, member.id, present=True
        )

    def vote(s):
        voting.cast_ballot(s, load_actor(s, member.person_id), meeting_id, {n.id: Choice.YES})

    assert race(app_db, [vote, vote, vote, vote]) == {"ok": 1, 409: 3}
    with Session(app_db) as session:
        cast = session.exec(select(func.count()).where(BallotCast.session_id == meeting_id)).one()
        assert cast == 1
