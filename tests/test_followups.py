"""Follow-ups nobody ran: each kind of action committed while its flow never started (the app
stopped first), found by the sweep once the grace period has passed and run then, once."""

from datetime import date, timedelta

import pytest
from sqlmodel import Session

from document_templates import publish
from flows.runtime import directly
from flows.stages import deadline_sweeper_flow, forward_flow
from models import followups, runs
from models.appraisal import appraise, sign_appraisal
from models.councils import CouncilSession, SessionState
from models.db import session_scope, utcnow
from models.decide import draft_decision, sign
from models.decisions import Decision, DecisionState
from models.nominations import Nomination, State, Submission
from models.org import Person
from models.workflow import propose_upward, submit
from tests.factories import NOW, nominations_of
from tests.test_flows import on_unit_agenda, snapshot
from tests.test_route import placed
from tests.test_workflow import draft, report, through_unit_council


def stopped_before_the_flows(engine, prov) -> dict[str, int]:
    """A batch submitted, a session's voting ended, a decision signed, a Tờ trình signed
    upward and an appraisal Tờ trình signed, all at NOW, and none of their flows run."""
    meeting = on_unit_agenda(engine, prov, keys=("diligent",))
    with session_scope(engine) as session:
        good = draft(session, prov, key="good", award="GK")
        fighter = draft(session, prov, key="fighter", award="CSTD_TINH")
        report(session, prov, fighter, "xac_nhan_sang_kien")
        through_unit_council(session, prov, [good, fighter])
        decision = draft_decision(session, prov.actors["unit_secretariat"], [good])
        sign(session, prov.actors["director"], decision.id, signed_on=date(2025, 12, 15), now=NOW)
        upward = propose_upward(session, prov.actors["director"], [fighter], signed_on=NOW.date(), now=NOW)
        veteran = draft(session, prov, key="veteran", award="GK")
        report(session, prov, veteran)
        batch = submit(session, prov.actors["officer"], [veteran], now=NOW)
        waiting = placed(session, prov, State.RECOMMENDED, "CSTD_TINH", "veteran", level=1)
        appraised = appraise(session, prov.actors["province_secretariat"], [waiting], now=NOW)
        sign_appraisal(session, prov.actors["snv_director"], appraised.id, signed_on=NOW.date(), now=NOW)
        return {
            "intake": batch.id,
            "council_session": meeting,
            "decision": decision.id,
            "forward": upward.id,
            "appraisal": appraised.id,
        }


def test_every_kind_of_action_left_without_its_flow_is_found_once_the_grace_period_passed(app_db, prov):
    cases = stopped_before_the_flows(app_db, prov)
    with Session(app_db) as session:
        assert followups.lost(session, NOW + timedelta(minutes=10)) == []  # the grace period
        assert followups.lost(session, NOW + timedelta(minutes=10, seconds=1)) == list(cases.items())


def test_the_sweep_runs_what_was_lost_once_and_leaves_a_failed_run_to_the_secretariat(app_db, prov):
    cases = stopped_before_the_flows(app_db, prov)
    with session_scope(app_db) as session:  # the tally ran and failed: a person must look at it
        runs.started(session, "run-1", "council_session", "council_session", cases["council_session"])
        runs.ended(session, "run-1", "ValueError: phiếu bầu không đọc được")
    with directly():
        assert deadline_sweeper_flow.fn(NOW + timedelta(minutes=5)) == {}  # within the grace period
        assert deadline_sweeper_flow.fn(NOW + timedelta(days=1)) == {
            "restart_intake": 1,
            "restart_decision": 1,
            "restart_forward": 1,
            "restart_appraisal": 1,
        }
        before = snapshot(app_db)
        assert deadline_sweeper_flow.fn(NOW + timedelta(days=1, minutes=15)) == {}
    assert snapshot(app_db) == before
    with Session(app_db) as session:
        assert session.get(Decision, cases["decision"]).state is DecisionState.ISSUED
        nominations = {session.get(Person, n.person_id).full_name: n for n in nominations_of(session, prov)}
        assert nominations["Nguyễn Văn An"].state is State.CONFERRED
        carried = nominations["Hoàng Văn Cường"]
        assert (carried.state, carried.level) == (State.SUBMITTED, 1)
        assert carried.intake["missing"] == []  # checked on arrival at the province
        assert nominations["Đặng Thị Duyên"].intake["status"] == "eligible"
        assert session.get(CouncilSession, cases["council_session"]).state is SessionState.CLOSED
        assert session.get(Submission, cases["appraisal"]).reference == "01/TTr-SNV"


def test_a_batch_carried_up_by_a_forward_that_then_failed_waits_for_the_retry(app_db, prov, monkeypatch):
    with session_scope(app_db) as session:
        fighter = draft(session, prov, key="fighter", award="CSTD_TINH")
        report(session, prov, fighter, "xac_nhan_sang_kien")
        through_unit_council(session, prov, [fighter])
        upward = propose_upward(session, prov.actors["director"], [fighter], signed_on=NOW.date(), now=NOW).id

    def broken(*args, **kwargs):
        raise ValueError("mẫu Tờ trình bị hỏng")

    monkeypatch.setattr(publish, "publish_submission", broken)
    with directly(), pytest.raises(ValueError):
        forward_flow.fn(upward)  # carried up, then failed to write the Tờ trình
    later = utcnow() + timedelta(hours=1)
    with Session(app_db) as session:
        assert session.get(Nomination, fighter.id).level == 1
        # not checked at the province without its Tờ trình: the secretariat's retry does both
        assert followups.lost(session, later) == []
    monkeypatch.undo()
    with directly():
        forward_flow.fn(upward)
    with Session(app_db) as session:
        assert followups.lost(session, later) == []
        assert session.get(Nomination, fighter.id).intake["missing"] == []
