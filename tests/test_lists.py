"""Lists and work queues through HTTP: each role sees what the route's own pages would show it and
nothing else, the queues hold what waits for the caller's step, filters, sorting and paging."""

from sqlmodel import Session, select

from models.access import load_actor, system_actor
from models.db import session_scope
from models.nominations import Nomination
from models.tokens import issue_token
from models.workflow import visible
from tests.test_workflow_api import drafts, meet, ok


def ids(answer) -> list[int]:
    return [i["id"] for i in ok(answer)["items"]]


def client_for(app_db, api, person_id: int):
    """A bearer client for someone the `api` fixture has none for."""
    with session_scope(app_db) as session:
        token = issue_token(session, system_actor(), person_id, "test")
    client = api["anonymous"]
    return lambda method, path, **kw: getattr(client, method)(
        path, headers={"Authorization": f"Bearer {token}"}, **kw
    )


def test_queues_follow_a_nomination_from_intake_to_signature(app_db, prov, api):
    good, diligent = drafts(app_db, prov)
    ok(api["officer"].post("/api/v1/submissions", json={"nomination_ids": [good, diligent]}), 201)
    intake = ok(api["unit_secretariat"].get("/api/v1/queues/intake"))
    assert [i["id"] for i in intake["items"]] == [good, diligent] and intake["total"] == 2
    item = intake["items"][0]
    assert item["nominee"] == "Nguyễn Văn An" and item["award"]["code"] == "LDTT" and item["award"]["name"]
    assert item["state"] == "submitted" and item["state_label"] == "Tiếp nhận, kiểm tra hồ sơ"
    assert item["unit"]["name"] == item["handling_unit"]["name"] == "Sở Tài chính" and item["due_on"]
    for who in ("officer", "director", "province_secretariat", "ministry_officer", "stc:0"):
        assert ok(api[who].get("/api/v1/queues/intake")) == {
            "items": [],
            "total": 0,
            "total_exact": True,
            "page": 1,
            "per_page": 50,
        }

    reason = "Thiếu bản xác nhận sáng kiến"
    ok(api["unit_secretariat"].post(f"/api/v1/nominations/{good}/return", json={"reason": reason}))
    (back,) = ok(api["officer"].get("/api/v1/queues/returned"))["items"]
    assert (back["id"], back["return_reason"], back["state"], back["returns"]) == (
        good,
        reason,
        "returned",
        1,
    )
    assert ids(api["unit_secretariat"].get("/api/v1/queues/intake")) == [diligent]
    assert ids(api["ministry_officer"].get("/api/v1/queues/returned")) == []
    ok(api["officer"].post(f"/api/v1/nominations/{good}/resubmit", json={}))
    assert ids(api["officer"].get("/api/v1/queues/returned")) == []
    resubmitted = ok(api["unit_secretariat"].get("/api/v1/queues/intake"))["items"]
    assert {i["id"]: i["returns"] for i in resubmitted} == {good: 1, diligent: 0}

    for i in (good, diligent):
        ok(api["unit_secretariat"].post(f"/api/v1/nominations/{i}/accept", json={}))
    meeting = meet(app_db, prov, api, [good, diligent], vote=False)
    agenda = ok(api["stc:0"].get("/api/v1/queues/agenda"))["items"]
    assert [(i["id"], i["session"]["id"]) for i in agenda] == [(good, meeting), (diligent, meeting)]
    outsider = client_for(app_db, api, prov.members["province"][0].person_id)
    assert ok(outsider("get", "/api/v1/queues/agenda"))["items"] == []
    missing, hidden = (
        outsider("get", "/api/v1/council-sessions/999999"),
        outsider("get", f"/api/v1/council-sessions/{meeting}"),
    )
    assert missing.status_code == hidden.status_code == 404
    assert hidden.json()["message"] == missing.json()["message"].replace("999999", str(meeting))
    assert outsider("get", f"/api/v1/councils/{prov.councils['stc'].id}").status_code == 404
    assert ok(outsider("get", "/api/v1/council-sessions"))["items"] == []
    seen = ok(api["stc:0"].get(f"/api/v1/council-sessions/{meeting}"))
    assert (seen["member"], seen["voted"], seen["agenda"], seen["by_state"]) == (
        True,
        False,
        2,
        {"on_agenda": 2},
    )
    assert "ballots" not in seen and seen["chair"]["id"] == prov.members["stc"][0].person_id
    assert seen["tally"] == []  # nothing counted before the voting ends

    for member_id, key in [(m.id, f"stc:{n}") for n, m in enumerate(prov.members["stc"])]:
        ok(
            api["unit_secretariat"].post(
                f"/api/v1/council-sessions/{meeting}/attendance",
                json={"member_id": member_id, "present": True},
            )
        )
        ok(
            api[key].post(
                f"/api/v1/council-sessions/{meeting}/ballots",
                json={"choices": {str(good): "yes", str(diligent): "yes"}},
            )
        )
    assert ok(api["stc:0"].get("/api/v1/queues/agenda"))["items"] == []
    assert ok(api["stc:0"].get(f"/api/v1/council-sessions/{meeting}"))["voted"] is True
    ok(api["unit_secretariat"].post(f"/api/v1/council-sessions/{meeting}/close"))
    seats = len(prov.members["stc"])
    counted = ok(api["stc:0"].get(f"/api/v1/council-sessions/{meeting}"))["tally"]
    assert {t["nomination_id"]: (t["yes"], t["no"], t["ballots_issued"], t["passed"]) for t in counted} == {
        i: (seats, 0, seats, True) for i in (good, diligent)
    }
    assert [t["nominee"] for t in counted] == sorted(t["nominee"] for t in counted) and counted[0]["nominee"]
    assert {t["present"] for t in counted} == {t["members_total"] for t in counted} == {seats}

    decision = ok(
        api["unit_secretariat"].post("/api/v1/decisions", json={"nomination_ids": [good, diligent]}), 201
    )["id"]
    (waiting,) = ok(api["director"].get("/api/v1/queues/signature"))["items"]
    assert (waiting["id"], waiting["state"], waiting["nominations"], waiting["issuer"]["name"]) == (
        decision,
        "draft",
        2,
        "Sở Tài chính",
    )
    assert waiting["authority"] == "Giám đốc Sở Tài chính" and waiting["due_on"]
    for who in ("unit_secretariat", "officer", "chairman", "stc:0"):
        assert ok(api[who].get("/api/v1/queues/signature"))["items"] == []
    assert api["ministry_officer"].get(f"/api/v1/decisions/{decision}").status_code == 404
    assert ok(api["officer"].get("/api/v1/decisions"))["total"] == 1
    ok(api["director"].post(f"/api/v1/decisions/{decision}/sign", json={"signed_on": "2025-12-20"}))
    assert ok(api["director"].get("/api/v1/queues/signature"))["items"] == []
    signed = ok(api["director"].get(f"/api/v1/decisions/{decision}"))
    assert (
        signed["state"] == "issued"
        and signed["reference"] == "01/QĐ-STC"
        and signed["by_state"] == {"conferred": 2}
    )

    (batch,) = ok(api["officer"].get("/api/v1/submissions"))["items"][-1:]
    assert batch["nominations"] == 2 and batch["from_unit"]["name"] == "Sở Tài chính"
    assert ok(api["officer"].get(f"/api/v1/submissions/{batch['id']}"))["by_state"] == {"conferred": 2}
    assert ids(api["officer"].get(f"/api/v1/nominations?submission_id={batch['id']}")) == [good, diligent]
    assert api["ministry_officer"].get(f"/api/v1/submissions/{batch['id']}").status_code == 404
    assert ok(api["ministry_officer"].get("/api/v1/submissions"))["items"] == []


def test_each_person_lists_exactly_the_nominations_they_may_open(app_db, prov, api):
    good, diligent = drafts(app_db, prov)
    ok(api["officer"].post("/api/v1/submissions", json={"nomination_ids": [good]}), 201)
    with Session(app_db) as session:
        every = list(session.exec(select(Nomination)))
        for key, p in prov.people.items():
            listed = set(ids(api[key].get("/api/v1/nominations?per_page=200")))
            assert listed == {n.id for n in visible(session, load_actor(session, p.id), every)}, key
    assert set(ids(api["officer"].get("/api/v1/nominations"))) == {good, diligent}
    assert ids(api["ministry_officer"].get("/api/v1/nominations")) == []
    assert ids(api["good"].get("/api/v1/nominations")) == [good]  # the nominee, their own
    missing, hidden = (
        api["ministry_officer"].get("/api/v1/nominations/999999"),
        api["ministry_officer"].get(f"/api/v1/nominations/{good}"),
    )
    assert missing.status_code == hidden.status_code == 404


def test_filters_sorting_and_paging(app_db, prov, api):
    good, diligent, fighter = drafts(app_db, prov, ["good", "diligent", "fighter"])
    ok(api["officer"].post("/api/v1/submissions", json={"nomination_ids": [good, diligent]}), 201)
    get = lambda query: ids(api["officer"].get(f"/api/v1/nominations?{query}"))  # noqa: E731
    assert get("state=submitted") == [good, diligent]
    assert get("state=draft") == [fighter]
    assert get("state=draft&state=submitted&sort=id&order=desc") == [fighter, diligent, good]
    assert get("sort=name") == [fighter, good, diligent]  # Hoàng, Nguyễn, Trương
    assert get("sort=due_on") == [good, diligent, fighter]  # the undated last
    assert get("q=nguyen van an") == get("q=NGUYỄN VĂN AN") == [good]
    assert get("q=truong thi") == [diligent] and get("q=nguyen van binh") == []
    assert get("year=2025&award=LDTT&level=0") == [good, diligent, fighter]
    assert get("year=2024") == [] and get("award=CSTD_TINH") == []
    assert get(f"unit_id={prov.units['stc'].id}") == [good, diligent, fighter]
    assert get(f"unit_id={prov.units['cuc'].id}") == []
    assert get("overdue=true") == [] and get("overdue=false") == [good, diligent, fighter]
    assert get("due_before=2100-01-01") == [good, diligent]
    page = ok(api["officer"].get("/api/v1/nominations?per_page=2&page=2"))
    assert (page["total"], page["page"], page["per_page"], [i["id"] for i in page["items"]]) == (
        3,
        2,
        2,
        [fighter],
    )
    for bad in ("per_page=201", "page=0", "sort=secret", "state=nonsense", "q=" + "a" * 101, "order=up"):
        assert api["officer"].get(f"/api/v1/nominations?{bad}").status_code == 422, bad
    assert api["anonymous"].get("/api/v1/nominations").status_code == 401


def test_a_long_list_is_counted_up_to_the_cap_and_says_there_are_more(app_db, prov, api, monkeypatch):
    import models.lists

    drafts(app_db, prov, ["good", "diligent"])
    listed = ok(api["officer"].get("/api/v1/nominations"))
    assert (listed["total"], listed["total_exact"], len(listed["items"])) == (2, True, 2)
    monkeypatch.setattr(models.lists, "COUNT_CAP", 1)
    listed = ok(api["officer"].get("/api/v1/nominations"))
    assert (listed["total"], listed["total_exact"], len(listed["items"])) == (1, False, 2)
