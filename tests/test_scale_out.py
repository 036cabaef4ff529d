"""The scale-out mode for real: a Prefect server on PostgreSQL started by the test on a loopback
port, two `vinhdanh worker` processes serving the stage flows, the app database on PostgreSQL,
and a unit's submission driven through the API until its nominees are conferred and a higher
nomination has gone up to the province. Needs VINHDANH_TEST_DATABASE_URL."""

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from prefect.settings import PREFECT_API_URL, temporary_settings
from sqlmodel import Session, select

from models.config import configured, get_settings
from models.db import session_scope, utcnow
from models.decisions import Decision, DecisionState
from models.nominations import Nomination, State
from models.runs import FlowRun
from models.workflow import submit
from tests.conftest import POSTGRES_URL
from tests.test_flows import free_port
from tests.test_workflow import report
from tests.test_workflow_api import drafts, meet, ok

pytestmark = pytest.mark.skipif(not POSTGRES_URL, reason="needs PostgreSQL (VINHDANH_TEST_DATABASE_URL)")
BIN = Path(sys.executable).parent
WAIT = 120  # seconds for anything to happen


def until(what: str, check, timeout: float = WAIT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := check():
            return result
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


@contextmanager
def processes(logs: Path, new_session: bool = False) -> Iterator:
    """start(name, command, env) runs a process logging to logs/<name>.log (in a session of its
    own if asked: its group is then the process and what it starts); all are stopped at the end."""
    running: list[subprocess.Popen] = []

    def start(name: str, command: list[str], env: dict) -> subprocess.Popen:
        with open(logs / f"{name}.log", "w") as log:
            running.append(
                subprocess.Popen(
                    command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=new_session
                )
            )
        return running[-1]

    try:
        yield start
    finally:
        for process in running:
            process.terminate()
        for process in running:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def prefect_database() -> str:
    url = sa.make_url(POSTGRES_URL)
    name = f"{url.database}_prefect"
    admin = sa.create_engine(url.set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    return url.set(drivername="postgresql+asyncpg", database=name).render_as_string(hide_password=False)


def test_two_workers_serve_a_submission_end_to_end_from_a_prefect_server(app_db, prov, api):
    logs = Path(tempfile.mkdtemp(prefix="scale-out-"))
    port = free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    base = {
        **os.environ,
        "PREFECT_HOME": str(logs / "prefect"),
        "PREFECT_API_URL": api_url,
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_UI_ENABLED": "false",
        "VINHDANH_WORKER_POLL_SECONDS": "0.5",  # 2 s would only make the test slower
    }
    server_env = {**base, "PREFECT_SERVER_DATABASE_CONNECTION_URL": prefect_database()}
    server_env.pop("PREFECT_API_URL")
    worker_env = {
        **base,
        "VINHDANH_DATABASE_URL": get_settings().db_url,  # the app_db fixture's PostgreSQL database
        "VINHDANH_DATA_DIR": str(get_settings().data_dir),  # the document store both share
        "VINHDANH_PREFECT_MODE": "server",
    }
    with processes(logs) as start:
        start(
            "server",
            [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
            server_env,
        )
        until("the Prefect server", lambda: _healthy(api_url))
        for i in (1, 2):
            env = {**worker_env, "VINHDANH_WORKER": f"worker-{i}"}
            start(f"worker-{i}", [str(BIN / "vinhdanh"), "worker", "--limit", "2"], env)
        with temporary_settings({PREFECT_API_URL: api_url}), configured(prefect_mode="server"):
            until("the deployments", lambda: _deployments(api_url) >= 5)
            season(app_db, prov, api)
            # four sweeps at once, two runs at a time per worker: both workers take some
            from flows.triggers import trigger

            for _ in range(4):
                trigger("deadline_sweeper")
            until("the sweeps", lambda: len(_runs(app_db, "deadline_sweeper", state="completed")) >= 4)
            queued_for_a_worker(app_db, prov)
    with Session(app_db) as session:
        runs = session.exec(select(FlowRun)).all()
        assert {r.state for r in runs} == {"completed"}, [(r.flow, r.error) for r in runs]
        assert {r.worker for r in runs} == {"worker-1", "worker-2"}
        once = [(r.flow, r.entity_id) for r in runs if r.flow != "deadline_sweeper"]
        assert len(once) == len(set(once))  # each run served by one worker only


def season(engine, prov, api) -> None:
    """Two advanced workers conferred at their unit; a fighter proposed to the province."""
    good, diligent = drafts(engine, prov)
    (fighter,) = drafts(engine, prov, ["fighter"], "CSTD_TINH")
    with Session(engine) as session, session.begin():
        report(session, prov, session.get(Nomination, fighter), "xac_nhan_sang_kien")
    ids = [good, diligent, fighter]
    submission = ok(api["officer"].post("/api/v1/submissions", json={"nomination_ids": ids}), 201)["id"]
    assert until("intake", lambda: _runs(engine, "intake", submission, "completed"))
    for i in ids:
        ok(api["unit_secretariat"].post(f"/api/v1/nominations/{i}/accept", json={}))
    meeting = meet(engine, prov, api, ids, vote=True)
    ok(api["unit_secretariat"].post(f"/api/v1/council-sessions/{meeting}/close"))
    until("the tally", lambda: _runs(engine, "council_session", meeting, "completed"))
    decision = ok(
        api["unit_secretariat"].post("/api/v1/decisions", json={"nomination_ids": [good, diligent]}), 201
    )
    ok(api["director"].post(f"/api/v1/decisions/{decision['id']}/sign", json={"signed_on": "2025-12-20"}))
    proposal = ok(
        api["director"].post(
            "/api/v1/proposals", json={"nomination_ids": [fighter], "signed_on": "2025-12-22"}
        ),
        201,
    )
    until("the decision", lambda: _runs(engine, "decision", decision["id"], "completed"))
    until("the Tờ trình", lambda: _runs(engine, "forward", proposal["id"], "completed"))
    with Session(engine) as session:
        assert session.get(Decision, decision["id"]).state is DecisionState.ISSUED
        states = {i: session.get(Nomination, i) for i in ids}
        assert states[good].state is states[diligent].state is State.CONFERRED
        up = states[fighter]
        assert (up.state, up.level, up.handling_unit_id) == (State.SUBMITTED, 1, prov.units["province"].id)
        assert up.intake["missing"] == []  # checked on arrival, its Tờ trình and minutes with it


def queued_for_a_worker(engine, prov) -> None:
    """A follow-up the Prefect server holds for a worker is not lost: the sweep leaves it; taken
    by a worker that died before the run began, it is."""
    from prefect import get_client
    from prefect.deployments import run_deployment
    from prefect.states import Pending

    from flows.stages import lost_follow_ups

    (veteran,) = drafts(engine, prov, ["veteran"], "GK")
    with session_scope(engine) as session:  # committed; its intake not asked for yet
        batch = submit(session, prov.actors["officer"], [session.get(Nomination, veteran)]).id
    later = utcnow() + timedelta(hours=1)  # past the grace period
    assert lost_follow_ups.fn(later) == [("intake", batch)]
    run = run_deployment(
        "intake/vinhdanh", parameters={"submission_id": batch}, scheduled_time=later, timeout=0
    )
    assert lost_follow_ups.fn(later) == []
    with get_client(sync_client=True) as client:  # claimed by a worker, which then died
        client.set_flow_run_state(run.id, Pending())
    assert lost_follow_ups.fn(later) == [("intake", batch)]


def _healthy(api_url: str) -> bool:
    try:
        return httpx.get(f"{api_url}/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def _deployments(api_url: str) -> int:
    answer = httpx.post(f"{api_url}/deployments/filter", json={}, timeout=5)
    return len([d for d in answer.json() if d["name"] == "vinhdanh"])


def _runs(engine, flow: str, entity_id: int | None = None, state: str | None = None) -> list[FlowRun]:
    with Session(engine) as session:
        query = select(FlowRun).where(FlowRun.flow == flow)
        if entity_id is not None:
            query = query.where(FlowRun.entity_id == entity_id)
        if state is not None:
            query = query.where(FlowRun.state == state)
        return list(session.exec(query))
