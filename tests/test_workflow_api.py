"""The JSON API of people's actions: tokens, who may do what, bad input, and each committed action
followed by its stage flow — run inline here (the same bodies, without Prefect), and once in the
embedded mode's background thread as real Prefect flow runs."""

import time

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from models.access import system_actor
from models.config import configured
from models.councils import CouncilSession, SessionState
from models.db import session_scope
from models.nominations import Nomination, State
from models.runs import FlowRun
from models.tokens import revoke_tokens
from models.workflow import submit
from service.app import create_app
from tests.factories import NOW
from tests.test_flows import snapshot
from tests.test_workflow import draft, report


def drafts(engine, prov, keys=("good", "diligent"), award="LDTT") -> list[int]:
    with session_scope(engine) as session:
        nominations = [draft(session, prov, key=k, award=award) for k in keys]
        for n in nominations:
            report(session, prov, n)
        return [n.id for n in nominations]


def ok(response, status=200) -> dict:
    assert response.status_code == status, response.text
    return response.json()


def members(prov, council="stc") -> list[tuple[int, str]]:
    """(member id, client key) of a council's members, in seat order."""
    return [(m.id, f"{council}:{i}") for i, m in enumerate(prov.members[council])]


def test_a_token_is_needed_and_a_revoked_one_is_refused(app_db, prov, api):
    answer = api["anonymous"].get("/api/v1/inbox")
    assert answer.status_code == 401 and answer.json()["message"].startswith("Cần đăng nhập")
    forged = api["anonymous"].get("/api/v1/inbox", headers={"Authorization": "Bearer vd_forged"})
    assert forged.status_code == 401 and forged.json()["message"] == "Token không hợp lệ hoặc đã bị thu hồi"
    assert ok(api["officer"].get("/api/v1/inbox")) == []
    with session_scope(app_db) as session:
        assert revoke_tokens(session, system_actor(), prov.people["officer"].id) == 1
    assert api["officer"].get("/api/v1/inbox").status_code == 401


def test_a_unit_season_through_the_api_each_action_followed_by_its_flow(app_db, prov, api):
    ids = drafts(app_db, prov)
    submitted = ok(api["officer"].post("/api/v1/submissions", json={"nomination_ids": ids}), 201)
    assert submitted["follow_up"] == {"flow": "intake", "started": True, "error": ""}
    (arrived,) = ok(api["unit_secretariat"].get("/api/v1/inbox"))
    assert arrived["title"] == "Hồ sơ đề nghị khen thưởng từ Sở Tài chính"
    offered = {
        who: ok(api[who].get(f"/api/v1/nominations/{ids[0]}"))["actions"]
        for who in ("officer", "unit_secretariat", "director")
    }
    assert [a["action"] for a in offered["unit_secretariat"]] == ["return", "accept", "reject"]
    assert offered["officer"] == [
        {"action": "withdraw", "label": "Rút đề nghị", "needs_reason": True, "record": "nomination"}
    ]
    assert offered["director"] == []
    for i in ids:
        assert (
            ok(api["unit_secretariat"].post(f"/api/v1/nominations/{i}/accept", json={}))["follow_up"] is None
        )
    session_id = meet(app_db, prov, api, ids, vote=True)  # everyone present votes yes
    closed = ok(api["unit_secretariat"].post(f"/api/v1/council-sessions/{session_id}/close"))
    assert closed["follow_up"]["flow"] == "council_session"
    with Session(app_db) as session:
        assert session.get(CouncilSession, session_id).state is SessionState.TALLIED
    decision_id = ok(api["unit_secretariat"].post("/api/v1/decisions", json={"nomination_ids": ids}), 201)[
        "id"
    ]
    signed = ok(
        api["director"].post(f"/api/v1/decisions/{decision_id}/sign", json={"signed_on": "2025-12-20"})
    )
    assert signed["follow_up"]["flow"] == "decision"
    (congratulation,) = ok(api["good"].get("/api/v1/inbox"))
    assert congratulation["title"] == "Quyết định số 01/QĐ-STC của Giám đốc Sở Tài chính"
    read = ok(api["good"].post(f"/api/v1/inbox/{congratulation['id']}/read"))
    assert read["read_at"] and ok(api["good"].get("/api/v1/inbox?unread=true")) == []

    case = ok(api["officer"].get(f"/api/v1/nominations/{ids[0]}"))
    assert case["state"] == "conferred" and case["subject"] == "Nguyễn Văn An" and case["failed_runs"] == []
    steps = [(e["action"], e["flow_run"]["flow"] if e["flow_run"] else None) for e in case["trail"]]
    assert steps == [
        ("nominate", None),
        ("attach", None),
        ("submit", None),  # the batch
        ("submit", None),  # the nomination in it
        ("intake_check", "intake"),
        ("accept", None),
        ("open_session", None),
        ("schedule", None),
        *[("attendance", None)] * 5,
        *[("cast_ballot", None)] * 5,  # that each member voted, not how
        ("close_session", None),
        ("recommend", "council_session"),
        ("tally", "council_session"),
        ("generate", "council_session"),  # the minutes
        ("draft_decision", None),
        ("sign", None),
        ("confer", "decision"),
        ("issue", "decision"),
        ("generate", "decision"),  # Quyết định + Danh sách
        *[("generate", "decision")] * 2,  # Danh sách chi tiền thưởng, Word and .xlsx
    ]
    assert {e["actor"] for e in case["trail"] if e["flow_run"]} == {"Hệ thống Vinh Danh"}


def meet(engine, prov, api, ids: list[int], vote: bool) -> int:
    """The unit council convened on these nominations; if asked, every member attends, then each
    votes yes."""
    seats = members(prov)
    meeting = {
        "council_id": prov.councils["stc"].id,
        "held_at": "2025-12-18T08:00:00+07:00",
        "place": "Phòng họp Sở Tài chính",
        "chair_id": prov.members["stc"][0].person_id,
        "secretary_id": prov.members["stc"][-1].person_id,
        "nomination_ids": ids,
    }
    session_id = ok(api["unit_secretariat"].post("/api/v1/council-sessions", json=meeting), 201)["id"]
    if vote:
        for member_id, _ in seats:
            attendance = {"member_id": member_id, "present": True}
            ok(
                api["unit_secretariat"].post(
                    f"/api/v1/council-sessions/{session_id}/attendance", json=attendance
                )
            )
        for _, key in seats:
            ballot = {"choices": {str(i): "yes" for i in ids}}
            ok(api[key].post(f"/api/v1/council-sessions/{session_id}/ballots", json=ballot))
    return session_id


def test_each_action_is_refused_to_whom_it_does_not_belong(app_db, prov, api):
    good, diligent = drafts(app_db, prov)
    (fighter,) = drafts(app_db, prov, ["fighter"], "CSTD_TINH")
    with session_scope(app_db) as session:
        report(session, prov, session.get(Nomination, fighter), "xac_nhan_sang_kien")
    for batch in ([good, fighter], [diligent]):
        ok(api["officer"].post("/api/v1/submissions", json={"nomination_ids": batch}), 201)
        for i in batch:
            ok(api["unit_secretariat"].post(f"/api/v1/nominations/{i}/accept", json={}))
    voted = meet(app_db, prov, api, [good, fighter], vote=True)
    ok(api["unit_secretariat"].post(f"/api/v1/council-sessions/{voted}/close"))
    open_meeting = meet(app_db, prov, api, [diligent], vote=False)
    decision = ok(api["unit_secretariat"].post("/api/v1/decisions", json={"nomination_ids": [good]}), 201)
    (spare,) = drafts(app_db, prov, ["weak"])
    (waiting,) = drafts(app_db, prov, ["good"], "GK")
    ok(api["officer"].post("/api/v1/submissions", json={"nomination_ids": [waiting]}), 201)
    before = snapshot(app_db)
    forbidden = [  # they see the case, but the step is not theirs
        ("unit_secretariat", "post", "/api/v1/submissions", {"nomination_ids": [spare]}),
        ("officer", "post", f"/api/v1/nominations/{waiting}/return", {"reason": "Thiếu hồ sơ"}),
        ("officer", "post", "/api/v1/decisions", {"nomination_ids": [good]}),
        ("unit_secretariat", "post", f"/api/v1/decisions/{decision['id']}/sign", {"signed_on": "2025-12-20"}),
        ("officer", "post", "/api/v1/proposals", {"nomination_ids": [fighter], "signed_on": "2025-12-22"}),
        ("officer", "post", f"/api/v1/council-sessions/{open_meeting}/close", None),
        (
            "officer",
            "post",
            f"/api/v1/council-sessions/{open_meeting}/attendance",
            {"member_id": 1, "present": True},
        ),
        ("good", "get", "/api/v1/status", None),
    ]
    unseen = [  # not theirs to see: told it does not exist, as if it did not
        ("ministry_officer", "post", f"/api/v1/nominations/{waiting}/withdraw", {"reason": "Rút"}),
        ("ministry_officer", "get", f"/api/v1/nominations/{good}", None),
        ("ministry_officer", "post", f"/api/v1/decisions/{decision['id']}/sign", {"signed_on": "2025-12-20"}),
        (
            "good",
            "post",
            f"/api/v1/council-sessions/{open_meeting}/ballots",
            {"choices": {str(diligent): "yes"}},
        ),
    ]
    for expected, cases in (((403, "forbidden"), forbidden), ((404, "not_found"), unseen)):
        for who, method, path, body in cases:
            answer = getattr(api[who], method)(path, **({"json": body} if body is not None else {}))
            assert (answer.status_code, answer.json()["error"]) == expected, (who, path, answer.text)
    missing = api["ministry_officer"].get("/api/v1/nominations/999999").json()
    hidden = api["ministry_officer"].get(f"/api/v1/nominations/{good}").json()
    assert hidden["message"] == missing["message"].replace("999999", str(good))
    assert snapshot(app_db) == before  # nothing refused left a trace
    # and the same actions by those they belong to
    ok(
        api["director"].post(
            "/api/v1/proposals", json={"nomination_ids": [fighter], "signed_on": "2025-12-22"}
        ),
        201,
    )
    ok(api["director"].post(f"/api/v1/decisions/{decision['id']}/sign", json={"signed_on": "2025-12-20"}))
    assert ok(api["good"].get(f"/api/v1/nominations/{good}"))["state"] == "conferred"
    assert (
        ok(api["officer"].get(f"/api/v1/nominations/{fighter}"))["handling_unit"]
        == "Ủy ban nhân dân tỉnh Quảng Ngãi"
    )


def test_bad_input_gets_a_clear_4xx_and_changes_nothing(app_db, prov, api):
    (n,) = drafts(app_db, prov, ["good"])
    before = snapshot(app_db)
    officer = api["officer"]
    cases = [
        (officer.post(f"/api/v1/nominations/{n}/approve", json={}), 422, "invalid_input"),
        (officer.post("/api/v1/submissions", json={"nomination_ids": []}), 422, "invalid_input"),
        (officer.post("/api/v1/submissions", json={"nomination_ids": [n], "x": 1}), 422, "invalid_input"),
        (officer.post("/api/v1/submissions", json={"nomination_ids": [n, 999]}), 404, "not_found"),
        (
            officer.post(f"/api/v1/nominations/{n}/withdraw", json={"version": 7, "reason": "Rút"}),
            409,
            "stale_version",
        ),
        (officer.post(f"/api/v1/nominations/{n}/withdraw", json={}), 422, "invalid_input"),  # needs a reason
        (
            api["director"].post("/api/v1/decisions/999/sign", json={"signed_on": "2025-12-20"}),
            404,
            "not_found",
        ),
        (officer.get("/api/v1/nominations/999"), 404, "not_found"),
        (officer.post("/api/v1/flow-runs/nope/retry"), 404, "not_found"),
    ]
    for answer, status, error in cases:
        assert (answer.status_code, answer.json()["error"]) == (status, error), answer.text
        assert answer.json()["message"]
    assert snapshot(app_db) == before
    assert "999" in officer.post("/api/v1/submissions", json={"nomination_ids": [n, 999]}).json()["message"]


def test_an_action_stands_when_its_flow_cannot_start(app_db, prov, api, monkeypatch):
    from service.api import workflow

    def unreachable(flow, **parameters):
        raise ConnectionError("Prefect server at http://127.0.0.1:4200/api is not reachable")

    monkeypatch.setattr(workflow, "trigger", unreachable)
    ids = drafts(app_db, prov)
    answer = ok(api["officer"].post("/api/v1/submissions", json={"nomination_ids": ids}), 201)
    assert answer["follow_up"] == {
        "flow": "intake",
        "started": False,
        "error": "ConnectionError: Prefect server at http://127.0.0.1:4200/api is not reachable",
    }
    with Session(app_db) as session:
        assert {session.get(Nomination, i).state for i in ids} == {State.SUBMITTED}


def test_the_secretariat_sees_a_failed_run_and_starts_it_again(app_db, prov, api, monkeypatch):
    from models import voting

    ids = drafts(app_db, prov)
    ok(api["officer"].post("/api/v1/submissions", json={"nomination_ids": ids}), 201)
    for i in ids:
        ok(api["unit_secretariat"].post(f"/api/v1/nominations/{i}/accept", json={}))
    meeting = meet(app_db, prov, api, ids, vote=True)

    def unreadable(*args, **kwargs):
        raise ValueError("phiếu bầu không đọc được")

    monkeypatch.setattr(voting, "tally", unreadable)
    ok(api["unit_secretariat"].post(f"/api/v1/council-sessions/{meeting}/close"))
    case = ok(api["officer"].get(f"/api/v1/nominations/{ids[0]}"))
    assert case["state"] == "on_agenda"
    (failed,) = case["failed_runs"]
    assert (failed["flow"], failed["error"]) == ("council_session", "ValueError: phiếu bầu không đọc được")
    (alarm,) = ok(api["unit_secretariat"].get("/api/v1/inbox?unread=true"))[:1]
    assert alarm["kind"] == "failure"
    status = ok(api["unit_secretariat"].get("/api/v1/status"))
    assert [r["id"] for r in status["failed_runs"]] == [failed["id"]]
    assert api["officer"].post(f"/api/v1/flow-runs/{failed['id']}/retry").status_code == 404  # not told
    monkeypatch.undo()
    again = ok(api["unit_secretariat"].post(f"/api/v1/flow-runs/{failed['id']}/retry"))
    assert again == {"flow": "council_session", "started": True, "error": ""}
    case = ok(api["officer"].get(f"/api/v1/nominations/{ids[0]}"))
    assert case["state"] == "recommended" and case["failed_runs"] == []
    assert ok(api["unit_secretariat"].get("/api/v1/status"))["failed_runs"] == []


def test_embedded_mode_runs_the_follow_up_as_a_prefect_flow_run_in_the_background(app_db, prov, api, prefect):
    from flows.triggers import Background

    ids = drafts(app_db, prov)
    (lost,) = drafts(app_db, prov, ["veteran"], "GK")
    with session_scope(app_db) as session:  # submitted a year ago while the app was down
        submit(session, prov.actors["officer"], [session.get(Nomination, lost)], now=NOW)
    with configured(prefect_mode="embedded"):
        ok(api["officer"].post("/api/v1/submissions", json={"nomination_ids": ids}), 201)
        Background.get().drain()
        Background.get().stop()
    with Session(app_db) as session:
        runs = session.exec(select(FlowRun).order_by(FlowRun.started_at)).all()
        # the sweep at start ran the lost intake (a subflow run), then the new batch's intake ran
        assert [(r.flow, r.state) for r in runs] == [
            ("deadline_sweeper", "completed"),
            ("intake", "completed"),
            ("intake", "completed"),
        ]
        assert not runs[2].id.startswith("direct-")  # a Prefect flow run's id
        assert session.get(Nomination, lost).intake["run"] == runs[1].id
        assert session.get(Nomination, ids[0]).intake["run"] == runs[2].id


def test_the_embedded_worker_sweeps_on_time_however_busy_its_queue(monkeypatch):
    from flows.triggers import Background

    calls = []

    def call(flow: str, parameters: dict) -> None:  # each flow takes 50 ms
        calls.append(flow)
        time.sleep(0.05)

    monkeypatch.setattr(Background, "_call", staticmethod(call))
    with configured(sweep_minutes=0.005):  # every 0.3 s
        worker = Background.get()
        for i in range(20):  # a second of work: the queue is never empty
            worker.put("intake", {"submission_id": i})
        worker.drain()
        worker.stop()
    assert calls.count("intake") == 20
    assert calls[0] == "deadline_sweeper" and calls.count("deadline_sweeper") >= 3  # at start, then on time


def test_status_and_token_commands(app_db, prov, api):
    from typer.testing import CliRunner

    from service.cli import cli

    ids = drafts(app_db, prov)
    with session_scope(app_db) as session:  # submitted a year ago, due 29/12/2025: overdue
        submit(session, prov.actors["officer"], [session.get(Nomination, i) for i in ids], now=NOW)
    with configured(prefect_mode="inline"):
        issued = CliRunner().invoke(
            cli, ["token", "issue", str(prov.people["chairman"].id), "--label", "máy chủ"]
        )
        assert issued.exit_code == 0 and issued.output.startswith("vd_")
        chairman = TestClient(create_app(), headers={"Authorization": f"Bearer {issued.output.strip()}"})
        assert ok(chairman.get("/api/v1/status"))["stages"] == [
            {"level": "Đơn vị cơ sở", "stage": "Tiếp nhận, kiểm tra hồ sơ", "count": 2, "overdue": 2}
        ]
        status = CliRunner().invoke(cli, ["status"])
        assert status.exit_code == 0
        assert "Đơn vị cơ sở    Tiếp nhận, kiểm tra hồ sơ          2         2" in status.output
        assert "Luồng tự động lỗi, chưa chạy lại thành công: 0" in status.output
        # its intake never ran (submitted here without the API): the next sweep will run it
        assert (
            "Việc chưa được luồng tự động xử lý (lượt quét hạn tới sẽ chạy): 1\n  intake #" in status.output
        )
        revoked = CliRunner().invoke(cli, ["token", "revoke", str(prov.people["chairman"].id)])
        assert revoked.output == "2 token(s) revoked\n"  # the fixture's and this one
        assert chairman.get("/api/v1/status").status_code == 401
