"""Twenty decisions signed at the same moment get twenty distinct, consecutive numbers
(Decree 30/2020 Art. 15: numbers are never skipped or repeated)."""

import threading
from datetime import date

from sqlmodel import Session, select

from models.access import load_actor
from models.councils import Choice
from models.decide import draft_decision
from models.decisions import Decision, DecisionState
from models.history import AwardRecord, Rating
from models.workflow import apply, nominate, submit
from tests.conftest import fresh_engine
from tests.factories import NOW, YEAR, build_province, person, sign_and_issue
from tests.test_workflow import meet, report, vote

SIGNERS = 20


def prepare(engine) -> tuple[list[int], int]:
    """Twenty advanced workers recommended by the unit council, each on a draft decision."""
    with Session(engine) as session:
        province = build_province(session)
        people = []
        for i in range(SIGNERS):
            p = person(session, f"Người lao động {i + 1}", province.units["ns"])
            session.add(Rating(person_id=p.id, year=YEAR, level="HTT"))
            people.append(p)
        session.flush()
        officer = province.actors["officer"]
        nominations = []
        for p in people:
            n = nominate(
                session,
                officer,
                province.campaign,
                "LDTT",
                unit_id=province.units["stc"].id,
                person_id=p.id,
                now=NOW,
            )
            report(session, province, n)
            nominations.append(n)
        submit(session, officer, nominations, now=NOW)
        for n in nominations:
            apply(session, n, "accept", province.actors["unit_secretariat"], now=NOW)
        vote(session, province, meet(session, province, "stc", nominations), "stc", lambda i: Choice.YES)
        drafts = [draft_decision(session, province.actors["unit_secretariat"], [n]).id for n in nominations]
        director = province.people["director"].id
        session.commit()
    return drafts, director


def test_twenty_decisions_issued_at_once_get_twenty_consecutive_numbers():
    engine = fresh_engine("register")
    drafts, director = prepare(engine)
    start, errors = threading.Barrier(SIGNERS), []

    def signer(decision_id: int) -> None:
        start.wait()  # all at once; each then takes a connection and signs
        try:
            with Session(engine) as session:
                sign_and_issue(session, load_actor(session, director), decision_id, date(2025, 12, 20), NOW)
                session.commit()
        except Exception as error:
            errors.append(error)

    threads = [threading.Thread(target=signer, args=(d,)) for d in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with Session(engine) as session:
        signed = session.exec(select(Decision).where(Decision.state == DecisionState.ISSUED)).all()
        assert sorted(d.number for d in signed) == list(range(1, SIGNERS + 1))
        golden = session.exec(
            select(AwardRecord.golden_book).where(AwardRecord.decision_id.is_not(None))
        ).all()
        assert sorted(golden) == [f"{n:04d}/2025" for n in range(1, SIGNERS + 1)]
    engine.dispose()
