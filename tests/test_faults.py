"""Faults, with real processes: the app serving its API (`vinhdanh serve`, flows run in the
request: the `inline` mode) is held at a named point (models/faults.py) and killed with SIGKILL
there — in the middle of a tally, of a decision's numbering or its documents, of a forward to
the next level, of an upload — or its database connection is cut; then the deadline sweep (what
a restarted app or worker runs first) takes up the lost work and the season goes on. The same
with the scale-out set-up: the Prefect server restarted, a `vinhdanh worker` killed. And a run
only slow, taken for dead, beside the one started in its place. Afterwards every nomination is
in one final state, no register number is skipped or repeated, every document is
there once, and the audit chain verifies. PostgreSQL only: a killed process's transaction is
rolled back by the server, and pg_terminate_backend cuts a connection; the processes cost
seconds each, more than the SQLite suite's budget allows."""

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlmodel import Session, col, select

from models.councils import Council, CouncilSession
from models.db import utcnow
from models.decisions import Decision, DecisionState, GeneratedDocument, Register
from models.dossier import Store
from models.guards import vietnam_today
from models.history import AwardRecord
from models.nominations import DossierDocument, Nomination, State, Submission
from models.runs import FlowRun
from tests.conftest import POSTGRES_URL
from tests.test_flows import free_port
from tests.test_uploads import PDF, send
from tests.test_workflow import report
from tests.test_workflow_api import drafts, meet, ok

pytestmark = pytest.mark.skipif(
    not POSTGRES_URL,
    reason="fault tests kill processes and cut connections: need PostgreSQL (VINHDANH_TEST_DATABASE_URL)",
)
BIN = Path(sys.executable).parent
WAIT = 30  # seconds for a process to reach a point or to finish


def until(what: str, check, timeout: float = WAIT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := check():
            return result
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


class App:
    """`vinhdanh serve` in a process group of its own, its flows inline, held at `point`."""

    def __init__(self, tmp: Path, point: str = "") -> None:
        self.port, self.marker = free_port(), tmp / f"{point or 'none'}.held"
        env = {
            **os.environ,  # the test's database, document store and audit files (conftest, app_db)
            "VINHDANH_PREFECT_MODE": "inline",
            "VINHDANH_FAULT_POINT": point,
            "VINHDANH_FAULT_MARKER": str(self.marker),
        }
        self.log = tmp / f"app-{self.port}.log"
        with open(self.log, "w") as log:  # the process keeps its own copy of the file
            self.process = subprocess.Popen(
                [str(BIN / "vinhdanh"), "serve", "--port", str(self.port)],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.url = f"http://127.0.0.1:{self.port}"
        self.call: threading.Thread | None = None  # the request it is held in
        until("the app", self._healthy)

    def _healthy(self) -> bool:
        assert self.process.poll() is None, self.log.read_text()
        try:
            return httpx.get(f"{self.url}/api/v1/health", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    def send(self, client, method: str, path: str, **kwargs) -> dict:
        """Send as this test client's person; the answer, or the error if the process died."""
        answer: dict = {}

        def call() -> None:
            try:
                with httpx.Client(base_url=self.url, headers=client.headers, timeout=WAIT) as http:
                    response = http.request(method, path, **kwargs)
                    answer.update(status=response.status_code, body=response.json())
            except httpx.HTTPError as error:
                answer["error"] = error

        self.call = threading.Thread(target=call)
        self.call.start()
        return answer

    def held(self) -> None:
        until(f"the point {self.marker.stem}", self.marker.exists)

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(WAIT)
        if self.call is not None:
            self.call.join(WAIT)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(WAIT)


@pytest.fixture
def apps(tmp_path):
    started: list[App] = []

    def start(point: str = "") -> App:
        started.append(App(tmp_path, point))
        return started[-1]

    yield start
    for app in started:
        app.stop()


def sweep() -> None:
    """What a restarted app or worker runs first, and then every few minutes: the deadline sweep,
    which takes up the work of runs whose process died and of actions whose flow never ran — run
    an hour on, past the grace period and the stale limit (flows run the way the test set)."""
    from flows.triggers import trigger

    trigger("deadline_sweeper", now=utcnow() + timedelta(hours=1))


# ------------------------------------------------------------------------------ the season


def season(app_db, prov, api, apps, faulty: str = "", point: str = "", slow: bool = False) -> dict:
    """Two advanced workers conferred at their unit, a fighter proposed to the province; the
    action whose flow is `faulty` is sent to an app held at `point`, killed there, and the lost
    work taken up by the sweep — or, `slow`, the app only held there while the sweep takes its
    run for dead and starts another, then let go: both runs finish."""
    good, diligent = drafts(app_db, prov)
    (fighter,) = drafts(app_db, prov, ["fighter"], "CSTD_TINH")
    with Session(app_db) as session, session.begin():
        report(session, prov, session.get(Nomination, fighter), "xac_nhan_sang_kien")
    ids = [good, diligent, fighter]
    ok(api["officer"].post("/api/v1/submissions", json={"nomination_ids": ids}), 201)
    for i in ids:
        ok(api["unit_secretariat"].post(f"/api/v1/nominations/{i}/accept", json={}))
    meeting = meet(app_db, prov, api, ids, vote=True)

    def act(client, path: str, body: dict | None, flow: str, status: int = 200) -> None:
        if flow != faulty:
            ok(client.post(path, json=body), status)
            return
        app = apps(point)
        answer = app.send(client, "POST", path, json=body)
        app.held()
        if slow:
            both_at_once(app_db, app)
            return
        app.kill()
        assert "error" in answer, answer  # the process died before it answered
        sweep()

    act(api["unit_secretariat"], f"/api/v1/council-sessions/{meeting}/close", None, "council_session")
    decision = ok(
        api["unit_secretariat"].post("/api/v1/decisions", json={"nomination_ids": [good, diligent]}), 201
    )["id"]
    act(api["director"], f"/api/v1/decisions/{decision}/sign", {"signed_on": "2025-12-20"}, "decision")
    proposal = {"nomination_ids": [fighter], "signed_on": "2025-12-22"}
    act(api["director"], "/api/v1/proposals", proposal, "forward", 201)
    with Session(app_db) as session:  # the Tờ trình's id was in an answer that may never have come
        up = session.exec(select(Submission.id).where(Submission.level == 1)).one()
    return {"ids": ids, "decision": decision, "council_session": meeting, "forward": up}


KILLED = [  # where each flow's process is killed
    ("council_session", "commit:tally_votes"),  # (i) inside the tally's transaction
    ("decision", "commit:issue_decision"),  # (ii) inside the numbering's transaction
    ("decision", "commit:write_decision"),  # … after the numbering committed, inside the documents'
    ("forward", "after:carry_up"),  # (iii) the nominations up, the Tờ trình numbered, not yet written
]


@pytest.mark.parametrize(("flow", "point"), KILLED, ids=[point for _, point in KILLED])
def test_a_process_killed_mid_flow_loses_nothing_once_restarted(app_db, prov, api, apps, flow, point):
    case = season(app_db, prov, api, apps, flow, point)
    good, diligent, fighter = case["ids"]
    with Session(app_db) as session:
        states = {i: session.get(Nomination, i) for i in case["ids"]}
        assert states[good].state is states[diligent].state is State.CONFERRED
        up = states[fighter]
        assert (up.state, up.level, up.handling_unit_id) == (State.SUBMITTED, 1, prov.units["province"].id)
        assert up.intake["missing"] == []  # the Tờ trình and the minutes reached the province
        assert session.get(Decision, case["decision"]).state is DecisionState.ISSUED
        runs = session.exec(select(FlowRun)).all()
        assert "running" not in {r.state for r in runs}, [(r.flow, r.state) for r in runs]
        dead = [(r.flow, r.entity_id) for r in runs if r.state == "abandoned"]
        assert dead == [(flow, case[flow])]  # the killed run, marked so; another did its work
        done = {(r.flow, r.entity_id) for r in runs if r.state == "completed"}
        assert {(f, case[f]) for f in ("council_session", "decision", "forward")} <= done
    whole(app_db)


def both_at_once(engine, app: App) -> None:
    """The sweep, in a thread, takes the held run for dead and runs its flow again, up to where
    it waits for the locks the held transaction keeps; then the held one goes on."""
    second = threading.Thread(target=sweep)
    second.start()

    def waiting_for_a_lock() -> bool:
        with engine.connect() as connection:
            return bool(
                connection.exec_driver_sql(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                    " AND wait_event_type = 'Lock'"
                ).scalar()
            )

    until("the second run waiting for the first one's locks", waiting_for_a_lock)
    app.marker.unlink()
    second.join(WAIT)
    app.call.join(WAIT)
    assert not second.is_alive() and not app.call.is_alive()


SLOW = [  # a run only slow, taken for dead while its transaction is open: two that failed before
    ("decision", "commit:write_decision"),  # its documents: a unique index refused the second run's
    ("forward", "commit:carry_up"),  # the nominations' versions refused the second run's move
]


@pytest.mark.parametrize(("flow", "point"), SLOW, ids=[point for _, point in SLOW])
def test_a_slow_run_taken_for_dead_and_run_again_does_nothing_twice(app_db, prov, api, apps, flow, point):
    case = season(app_db, prov, api, apps, flow, point, slow=True)
    good, diligent, fighter = case["ids"]
    with Session(app_db) as session:
        assert {session.get(Nomination, i).state for i in (good, diligent)} == {State.CONFERRED}
        assert session.get(Nomination, fighter).level == 1
        runs = session.exec(select(FlowRun).where(FlowRun.flow == flow)).all()
        assert {r.state for r in runs} == {"completed"}, [(r.state, r.error) for r in runs]
    whole(app_db)


def whole(engine) -> None:
    """Every register series without a gap or a repeat, every document there once and in the
    store, the audit chain verified by the command an operator runs."""
    with Session(engine) as session:
        used: dict[tuple[int, int, str], list[int]] = {}
        for d in session.exec(select(Decision).where(col(Decision.number).is_not(None))):
            used.setdefault((d.issuer_unit_id, d.year, "QĐ"), []).append(d.number)
        for s in session.exec(select(Submission).where(col(Submission.number).is_not(None))):
            used.setdefault((s.from_unit_id, s.signed_on.year, "TTr"), []).append(s.number)
        for m, unit in session.exec(
            select(CouncilSession, Council.unit_id)
            .join(Council)
            .where(col(CouncilSession.number).is_not(None))
        ):
            used.setdefault((unit, vietnam_today(m.closed_at).year, "BB"), []).append(m.number)
        for a, unit in session.exec(select(AwardRecord, Decision.issuer_unit_id).join(Decision)):
            number, year = a.golden_book.split("/")
            used.setdefault((unit, int(year), "SV"), []).append(int(number))
        series = {
            (r.issuer_unit_id, r.year, r.doc_type): r.last_number for r in session.exec(select(Register))
        }
        assert set(used) <= set(series)
        for key, last in series.items():  # a rolled-back number is given back: none skipped
            assert sorted(used.get(key, [])) == list(range(1, last + 1)), (key, used.get(key))
        documents = session.exec(select(GeneratedDocument)).all()
        kinds = Counter((d.kind, d.owner) for d in documents)
        assert set(kinds.values()) <= {1}
        for d in session.exec(select(Decision).where(Decision.state == DecisionState.ISSUED)):
            assert ("quyet_dinh", f"decision:{d.id}") in kinds
        for m in session.exec(select(CouncilSession).where(CouncilSession.number != None)):  # noqa: E711
            assert ("bien_ban", f"council_session:{m.id}") in kinds
        for s in session.exec(select(Submission).where(Submission.number != None)):  # noqa: E711
            assert ("to_trinh", f"submission:{s.id}") in kinds
        store = Store()
        for d in [*documents, *session.exec(select(DossierDocument)).all()]:
            assert store.path(d.sha256).stat().st_size == d.size
    verified = subprocess.run([str(BIN / "vinhdanh"), "db", "verify-audit"], capture_output=True, text=True)
    assert verified.returncode == 0 and "toàn vẹn" in verified.stdout, verified.stderr


# ------------------------------------------------------------------------------ connections and uploads


def test_a_connection_cut_mid_numbering_undoes_it_all_and_a_retry_numbers_it(app_db, prov, apps, api):
    good, diligent = drafts(app_db, prov)
    ok(api["officer"].post("/api/v1/submissions", json={"nomination_ids": [good, diligent]}), 201)
    for i in (good, diligent):
        ok(api["unit_secretariat"].post(f"/api/v1/nominations/{i}/accept", json={}))
    meeting = meet(app_db, prov, api, [good, diligent], vote=True)
    ok(api["unit_secretariat"].post(f"/api/v1/council-sessions/{meeting}/close"))
    decision = ok(
        api["unit_secretariat"].post("/api/v1/decisions", json={"nomination_ids": [good, diligent]}), 201
    )["id"]
    before = snapshot(app_db)
    app = apps("commit:issue_decision")
    answer = app.send(
        api["director"], "POST", f"/api/v1/decisions/{decision}/sign", json={"signed_on": "2025-12-20"}
    )
    app.held()
    with app_db.connect() as connection:  # the app's connection, holding the numbering uncommitted
        cut = connection.exec_driver_sql(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database()"
            " AND state = 'idle in transaction' AND pid <> pg_backend_pid()"
        ).all()
    assert cut == [(True,)]
    app.marker.unlink()
    app.call.join(WAIT)
    assert answer["status"] == 200, answer  # the signature committed; its flow failed, and says so
    follow_up = answer["body"]["follow_up"]
    assert follow_up["flow"] == "decision" and follow_up["error"], follow_up
    with Session(app_db) as session:
        assert session.get(Decision, decision).state is DecisionState.SIGNED
        (failed,) = session.exec(select(FlowRun).where(FlowRun.flow == "decision")).all()
        assert failed.state == "failed"
    assert snapshot(app_db) == before  # no number taken, nobody conferred, nothing audited
    retried = ok(api["unit_secretariat"].post(f"/api/v1/flow-runs/{failed.id}/retry"))
    assert retried["started"] and not retried["error"], retried
    with Session(app_db) as session:
        issued = session.get(Decision, decision)
        assert (issued.state, issued.number) == (DecisionState.ISSUED, 1)
    whole(app_db)


def snapshot(engine) -> tuple:
    """What numbering a decision changes: the registers, the awards, the conferred, the audit log."""
    with engine.connect() as connection:
        return tuple(
            connection.exec_driver_sql(query).all()
            for query in (
                "SELECT doc_type, last_number FROM register ORDER BY id",
                "SELECT count(*) FROM awardrecord",
                "SELECT count(*) FROM nomination WHERE state = 'conferred'",
                "SELECT count(*) FROM event WHERE entity = 'decision' AND action = 'issue'",
            )
        )


def test_the_app_killed_mid_upload_records_no_half_file_and_takes_it_again(app_db, prov, apps, api):
    (n,) = drafts(app_db, prov, ["good"])
    before = rows(app_db)
    app = apps("upload")
    with httpx.Client(base_url=app.url, headers=api["officer"].headers) as http:
        answer: dict = {}

        def upload() -> None:
            try:
                answer["response"] = send(http, n, "Báo cáo.pdf", PDF + b"1", "application/pdf")
            except httpx.HTTPError as error:
                answer["error"] = error

        call = threading.Thread(target=upload)
        call.start()
        app.held()
        app.kill()
        call.join(WAIT)
    assert "error" in answer, answer  # the app died before it answered
    assert rows(app_db) == before  # no row, no event for a file the app never finished taking
    assert not list(Store().root.rglob("*.part"))
    again = apps()
    with httpx.Client(base_url=again.url, headers=api["officer"].headers) as http:
        taken = ok(send(http, n, "Báo cáo.pdf", PDF + b"1", "application/pdf"), 201)
    assert taken["version"] == 2  # the report the draft had, then this one: once
    assert rows(app_db) == (before[0] + 1, before[1] + 1)
    whole(app_db)


def rows(engine) -> tuple[int, int]:
    """The uploads recorded, and the audit events."""
    with engine.connect() as connection:
        return tuple(
            connection.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar()
            for table in ("dossierdocument", "event")
        )


# ------------------------------------------------------------------------------ Prefect server and workers


def test_the_prefect_server_restarted_and_a_worker_killed_mid_season(app_db, prov, api, tmp_path):
    """The scale-out set-up (tests/test_scale_out.py): the Prefect server killed and restarted
    while the secretariat closes a council session, then a `vinhdanh worker` killed inside a
    decision's numbering and another started; the sweep takes up both, and the season ends whole."""
    from tests.test_scale_out import _deployments, _healthy, _runs, prefect_database, processes

    port = free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    base = {
        **os.environ,
        "PREFECT_HOME": str(tmp_path / "prefect"),
        "PREFECT_API_URL": api_url,
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_UI_ENABLED": "false",
        "VINHDANH_WORKER_POLL_SECONDS": "0.5",  # 2 s would only make the test slower
        "VINHDANH_PREFECT_MODE": "server",
    }
    server = [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)]
    server_env = {**base, "PREFECT_SERVER_DATABASE_CONNECTION_URL": prefect_database()}
    server_env.pop("PREFECT_API_URL")
    marker = tmp_path / "worker.held"
    held = {"VINHDANH_FAULT_POINT": "commit:issue_decision", "VINHDANH_FAULT_MARKER": str(marker)}
    worker = [str(BIN / "vinhdanh"), "worker", "--limit", "2"]

    def completed(flow: str, key: int) -> bool:
        return bool(_runs(app_db, flow, key, "completed"))

    with processes(tmp_path, new_session=True) as start, prefect_settings(api_url):
        first = start("server", server, server_env)
        until("the Prefect server", lambda: _healthy(api_url), 120)
        dying = start("worker-1", worker, {**base, **held, "VINHDANH_WORKER": "worker-1"})
        until("the deployments", lambda: _deployments(api_url) >= 7, 120)
        good, diligent = drafts(app_db, prov)
        submission = ok(
            api["officer"].post("/api/v1/submissions", json={"nomination_ids": [good, diligent]}), 201
        )
        until("intake", lambda: completed("intake", submission["id"]), 120)
        for i in (good, diligent):
            ok(api["unit_secretariat"].post(f"/api/v1/nominations/{i}/accept", json={}))
        meeting = meet(app_db, prov, api, [good, diligent], vote=True)

        os.killpg(first.pid, signal.SIGKILL)  # the Prefect server dies
        first.wait(WAIT)
        closed = ok(api["unit_secretariat"].post(f"/api/v1/council-sessions/{meeting}/close"))
        assert closed["follow_up"]["started"] is False, closed  # the close stands; its flow waits
        start("server-again", server, server_env)
        until("the Prefect server again", lambda: _healthy(api_url), 120)
        sweep()
        until("the tally", lambda: completed("council_session", meeting), 120)

        decision = ok(
            api["unit_secretariat"].post("/api/v1/decisions", json={"nomination_ids": [good, diligent]}), 201
        )["id"]
        ok(api["director"].post(f"/api/v1/decisions/{decision}/sign", json={"signed_on": "2025-12-20"}))
        until("the worker inside the numbering", marker.exists, 120)
        os.killpg(dying.pid, signal.SIGKILL)  # the worker, its run inside the numbering
        dying.wait(WAIT)
        start("worker-2", worker, {**base, "VINHDANH_WORKER": "worker-2"})
        sweep()
        until("the decision", lambda: completed("decision", decision), 120)
    with Session(app_db) as session:
        assert {session.get(Nomination, i).state for i in (good, diligent)} == {State.CONFERRED}
        runs = {(r.flow, r.entity_id): r for r in session.exec(select(FlowRun))}
        assert runs[("decision", decision)].worker == "worker-2"
        states = Counter(
            r.state for r in session.exec(select(FlowRun).where(FlowRun.flow != "deadline_sweeper"))
        )
        assert states == {"completed": 3, "abandoned": 1}, states  # intake, tally, decision twice
    whole(app_db)


@contextmanager
def prefect_settings(api_url: str) -> Iterator[None]:
    """This process's actions hand their flows to the Prefect server at api_url."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from models.config import configured

    with temporary_settings({PREFECT_API_URL: api_url}), configured(prefect_mode="server"):
        yield
