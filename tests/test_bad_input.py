"""Bad input found by hand and by schemathesis (issue 8): each gets a clear 4xx and changes nothing;
dates on official records must be plausible; nobody learns what they may not see."""

import pytest
from sqlmodel import Session, select

from models.councils import CouncilSession
from models.nominations import Nomination
from models.runs import FlowRun
from tests.test_flows import snapshot
from tests.test_workflow_api import drafts, meet, ok

HUGE = [2**31, 2**63, 2**64 + 1]


def meeting(prov, ids, **changes) -> dict:
    members = prov.members["stc"]
    body = {
        "council_id": prov.councils["stc"].id,
        "held_at": "2025-12-18T08:00:00+07:00",
        "place": "Phòng họp Sở Tài chính",
        "chair_id": members[0].person_id,
        "secretary_id": members[1].person_id,
        "nomination_ids": ids,
    }
    return body | changes


def accepted(app_db, prov, api) -> list[int]:
    ids = drafts(app_db, prov)
    ok(api["officer"].post("/api/v1/submissions", json={"nomination_ids": ids}), 201)
    ok(api["unit_secretariat"].post("/api/v1/nominations/actions/accept", json={"nomination_ids": ids}))
    return ids


@pytest.mark.parametrize("big", HUGE)
def test_ids_beyond_what_the_database_holds_are_refused_not_overflowed(app_db, prov, api, big):
    officer = api["officer"]
    for answer in (
        officer.get(f"/api/v1/nominations/{big}"),
        officer.post(f"/api/v1/nominations/{big}/withdraw", json={"reason": "Rút"}),
        officer.post("/api/v1/submissions", json={"nomination_ids": [big]}),
        officer.post(f"/api/v1/council-sessions/{big}/close"),
        officer.post(f"/api/v1/inbox/{big}/read"),
        api["stc:0"].post("/api/v1/council-sessions/1/ballots", json={"choices": {str(big): "yes"}}),
    ):
        assert answer.status_code == 422 and answer.json()["error"] == "invalid_input", answer.text


def test_a_nomination_named_twice_in_a_batch_is_refused(app_db, prov, api):
    (n,) = drafts(app_db, prov, ["good"])
    answer = api["officer"].post("/api/v1/submissions", json={"nomination_ids": [n, n]})
    assert answer.status_code == 422 and f"[{n}]" in answer.json()["message"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"held_at": "2025-12-18T08:00:00"}, "held_at"),  # no time zone: which 08:00?
        ({"held_at": "0001-01-01T00:00:00+23:59"}, "held_at"),
        ({"held_at": "0001-01-01T00:00:00-23:59"}, "held_at"),
        ({"held_at": "9999-12-31T23:59:59-23:59"}, "held_at"),
        ({"held_at": "2019-05-01T08:00:00+07:00"}, "held_at"),  # before the campaign
        ({"chair_id": 999_999}, "chair_id"),  # nobody
        ({"secretary_id": "officer"}, "secretary_id"),  # somebody, but not on the council
        ({"campaign_id": 999_999}, "campaign_id"),
        ({"place": "\x01\x02\x0b"}, "place"),
        ({"council_id": 999_999}, None),
    ],
)
def test_a_meeting_that_could_not_have_happened_is_refused(app_db, prov, api, changes, field):
    ids = accepted(app_db, prov, api)
    before = snapshot(app_db)
    if changes.get("secretary_id") == "officer":
        changes = {"secretary_id": prov.people["officer"].id}
    answer = api["unit_secretariat"].post("/api/v1/council-sessions", json=meeting(prov, ids, **changes))
    assert answer.status_code in (404, 422), answer.text
    if field:
        assert answer.status_code == 422 and field in answer.text, answer.text
    assert snapshot(app_db) == before
    with Session(app_db) as session:
        assert session.exec(select(CouncilSession)).first() is None


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "2024-12-31", "2999-01-01"])
def test_a_decision_signed_on_an_impossible_day_is_refused(app_db, prov, api, day):
    ids = accepted(app_db, prov, api)
    ok(api["unit_secretariat"].post(f"/api/v1/council-sessions/{meet(app_db, prov, api, ids, True)}/close"))
    decision = ok(api["unit_secretariat"].post("/api/v1/decisions", json={"nomination_ids": ids}), 201)["id"]
    before = snapshot(app_db)
    answer = api["director"].post(f"/api/v1/decisions/{decision}/sign", json={"signed_on": day})
    assert answer.status_code == 422 and answer.json()["details"]["field"] == "signed_on", answer.text
    assert snapshot(app_db) == before


def test_an_outsider_learns_nothing_from_a_stale_version_or_an_id(app_db, prov, api):
    (n,) = drafts(app_db, prov, ["good"])
    stale = {"version": 99, "reason": "Rút"}
    outsider = api["ministry_officer"].post(f"/api/v1/nominations/{n}/withdraw", json=stale)
    missing = api["ministry_officer"].post("/api/v1/nominations/999999/withdraw", json=stale)
    assert (outsider.status_code, missing.status_code) == (404, 404)
    assert outsider.json()["message"] == missing.json()["message"].replace("999999", str(n))
    # one who sees it but may not take the step is told so before any version is compared
    assert api["unit_secretariat"].post(f"/api/v1/nominations/{n}/withdraw", json=stale).status_code == 403
    assert api["officer"].post(f"/api/v1/nominations/{n}/withdraw", json=stale).status_code == 409


def test_the_status_shows_each_unit_its_own_failures_only(app_db, prov, api, monkeypatch):
    from models import voting

    ids = accepted(app_db, prov, api)
    meeting_id = meet(app_db, prov, api, ids, vote=True)

    def unreadable(*args, **kwargs):
        raise ValueError("phiếu bầu không đọc được")

    monkeypatch.setattr(voting, "tally", unreadable)
    closed = ok(api["unit_secretariat"].post(f"/api/v1/council-sessions/{meeting_id}/close"))
    assert closed["follow_up"]["started"] is False  # inline, the run failed: the close stands
    with Session(app_db) as session:
        (run,) = session.exec(select(FlowRun).where(FlowRun.state == "failed")).all()
    seen = {
        who: ok(api[who].get("/api/v1/status"))["failed_runs"]
        for who in ("unit_secretariat", "ministry_officer")
    }
    assert [r["id"] for r in seen["unit_secretariat"]] == [run.id]
    assert seen["ministry_officer"] == []  # another ministry's officer: not theirs
    assert ok(api["ministry_officer"].get("/api/v1/status"))["stages"] == []
    # run inline, a retry that fails again says so; nothing breaks
    again = ok(api["unit_secretariat"].post(f"/api/v1/flow-runs/{run.id}/retry"))
    assert again["started"] is False and "phiếu bầu không đọc được" in again["error"]
    with Session(app_db) as session:
        assert {session.get(Nomination, i).state for i in ids} == {"on_agenda"}
