"""Under load and races (issue 8): `vinhdanh serve`, embedded flows included, answering requests
sent all at once — every member of a 200-member council reading their inbox, then casting their
ballot in one session — each exactly once and never with a 5xx; a ballot sent twice at once is
recorded once, the other answer a 409; the database refusing a write is a 4xx or a 503 to retry,
never a 500; and SIGTERM stops the app together with the temporary Prefect server it started."""

import json
import signal
import sqlite3
import time
from collections import Counter
from pathlib import Path

import psycopg
import pytest
from fastapi.testclient import TestClient
from prefect.settings import PREFECT_API_URL
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from models.db import make_engine
from service.app import create_app
from tests.conftest import fresh_engine
from tests.crowd import Call, ballot, choice, close_and_count, convene, serving, storm, until_swept

MEMBERS = 200


@pytest.fixture(scope="module")
def crowd():
    """A council of 200 members, each with a token, convened twice with everyone present."""
    engine = fresh_engine("load")
    yield engine, convene(engine, MEMBERS, meetings=2)
    engine.dispose()


@pytest.fixture(scope="module")
def served(crowd, prefect, tmp_path_factory):
    """The app as `vinhdanh serve` runs it, its embedded flows on the test session's Prefect
    server (a temporary server of its own would take both cores for 15 s while it starts)."""
    engine, _ = crowd
    env = {
        "VINHDANH_DATABASE_URL": engine.url.render_as_string(hide_password=False),
        "VINHDANH_PREFECT_MODE": "embedded",
        "PREFECT_API_URL": PREFECT_API_URL.value(),
    }
    with serving(env, tmp_path_factory.mktemp("serve") / "serve.log") as (base, _server):
        yield base


def test_two_hundred_members_reading_their_inbox_at_once_are_all_answered(crowd, served):
    _, council = crowd
    answers = storm(served, [Call("GET", "/api/v1/inbox", token) for _, token in council.members])
    assert Counter(a.status for a in answers) == {200: MEMBERS}, {a.body for a in answers}
    assert {a.body for a in answers} == {"[]"}


def test_two_hundred_ballots_at_once_are_each_recorded_once_and_counted_exactly(crowd, served):
    engine, council = crowd
    meeting, nominee = council.meetings[0]
    votes = [ballot(meeting, nominee, token, choice(i)) for i, (_, token) in enumerate(council.members)]
    answers = storm(served, votes)
    assert Counter(a.status for a in answers) == {200: MEMBERS}, {a.body for a in answers}
    voters, result = close_and_count(engine, council, meeting)
    assert voters == Counter(member for member, _ in council.members)
    no = sum(choice(i) == "no" for i in range(MEMBERS))
    assert (result.ballots_issued, result.yes, result.no) == (MEMBERS, MEMBERS - no, no)


def test_a_ballot_sent_twice_at_once_is_recorded_once_and_the_other_answer_is_a_409(crowd, served):
    engine, council = crowd
    meeting, nominee = council.meetings[1]
    hasty = council.members[: MEMBERS // 2]  # each sends their ballot twice: 200 requests
    twice = [ballot(meeting, nominee, token, "yes") for _, token in hasty for _ in (1, 2)]
    answers = storm(served, twice)
    pairs = [sorted(str(a.status) for a in answers[i : i + 2]) for i in range(0, len(answers), 2)]
    assert Counter(map(tuple, pairs)) == {("200", "409"): len(hasty)}, {a.body for a in answers}
    codes = {json.loads(a.body)["error"] for a in answers if a.status == 409}
    # the second waits for the session's row, then the domain's own check sees the first ballot
    assert codes == {"already_voted"}
    voters, result = close_and_count(engine, council, meeting)
    assert voters == Counter(member for member, _ in hasty) and result.yes == len(hasty)


def refused(session: Session, statement: str) -> sa_exc.DBAPIError:
    """The error the database (SQLite or PostgreSQL, as configured) gives for this statement."""
    try:
        with session.begin_nested():
            session.connection().exec_driver_sql(statement)
    except sa_exc.DBAPIError as error:
        return error
    raise AssertionError(f"the database accepted {statement!r}")


MISSING_PERSON = (
    "INSERT INTO apitoken (person_id, digest, label, created_at) VALUES (99999, 'x', '', '2025-12-15')"
)
REFUSED_WRITES = {  # what the database says → status, error code
    "a row that exists already": (
        lambda s: refused(s, "INSERT INTO audithead VALUES (1, 'x')"),
        409,
        "already_exists",
    ),
    "a reference to nothing": (lambda s: refused(s, MISSING_PERSON), 422, "missing_reference"),
    "a missing value": (
        lambda s: refused(s, "INSERT INTO audithead VALUES (2, NULL)"),
        422,
        "constraint_violated",
    ),
    "SQLite locked": (
        lambda _: sa_exc.OperationalError(
            "BEGIN IMMEDIATE", {}, sqlite3.OperationalError("database is locked")
        ),
        503,
        "busy",
    ),
    "PostgreSQL lock timeout": (
        lambda _: sa_exc.OperationalError("SELECT", {}, psycopg.errors.LockNotAvailable("lock timeout")),
        503,
        "busy",
    ),
    "a value it cannot store": (
        lambda _: sa_exc.DataError("SELECT", {}, psycopg.DataError("text fields cannot contain NUL")),
        422,
        "invalid_input",
    ),
    "no connection free": (lambda _: sa_exc.TimeoutError("QueuePool limit reached"), 503, "busy"),
    "a flush failed before": (lambda _: sa_exc.PendingRollbackError("rolled back"), 409, "conflict"),
    "a row changed meanwhile": (lambda _: StaleDataError("0 rows matched"), 409, "conflict"),
    "a bug, not a race": (
        lambda _: sa_exc.OperationalError("SELECT", {}, sqlite3.OperationalError("no such table: x")),
        500,
        None,
    ),
}


@pytest.mark.parametrize("case", REFUSED_WRITES)
def test_the_database_refusing_a_write_is_a_409_422_or_503_never_a_500_unless_a_bug(session, case):
    make, status, code = REFUSED_WRITES[case]
    error = make(session)
    app = create_app()

    @app.post("/api/v1/race")
    def race() -> None:
        raise error

    answer = TestClient(app, raise_server_exceptions=False).post("/api/v1/race")
    assert answer.status_code == status
    if code:
        assert answer.json()["error"] == code and answer.json()["message"]
    assert (answer.headers.get("retry-after") is not None) == (status == 503)


def descendants(pid: int) -> list[int]:
    """The processes started by `pid`, and by them, from /proc."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended meanwhile
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = [], [pid]
    while frontier:
        children = [child for child, parent in parents.items() if parent in frontier]
        found += children
        frontier = children
    return found


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_sigterm_stops_the_app_and_the_temporary_prefect_server_it_started(tmp_path):
    database = f"sqlite:///{tmp_path / 'vinhdanh.db'}"
    env = {
        "VINHDANH_DATABASE_URL": database,
        "VINHDANH_DATA_DIR": str(tmp_path),
        "VINHDANH_PREFECT_MODE": "embedded",
        "PREFECT_HOME": str(tmp_path / "prefect"),
    }
    engine = make_engine(database)
    with serving(env, tmp_path / "serve.log") as (_base, server):
        until_swept(engine)  # the sweep at start ran, on the temporary server it started
        children = descendants(server.pid)
        assert children, "no temporary Prefect server"
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    deadline = time.monotonic() + 10
    while [pid for pid in children if alive(pid)] and time.monotonic() < deadline:
        time.sleep(0.2)
    assert [pid for pid in children if alive(pid)] == []
    engine.dispose()
