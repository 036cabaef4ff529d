"""A crowd for load tests and bench/load.py: a unit council of a few hundred members, each with an
API token, convened with every member present; `vinhdanh serve` in a subprocess; and storms of
requests sent all at once by one asyncio client (a thread per request would compete with the
server for the two cores)."""

import asyncio
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy import Engine
from sqlmodel import Session, select

from models.access import load_actor, system_actor
from models.councils import BallotCast, TallyResult
from models.db import session_scope
from models.org import Role
from models.runs import FlowRun
from models.tokens import issue_token
from models.voting import add_to_agenda, open_session, record_attendance
from models.workflow import apply, submit
from tests.factories import NOW, build_province, close_and_tally, council, grant, history, person
from tests.test_flows import free_port
from tests.test_workflow import draft, report

BIN = Path(sys.executable).parent


@dataclass
class Crowd:
    secretariat_id: int  # the person who convenes the council
    members: list[tuple[int, str]]  # (member id, API token), in seat order
    meetings: list[tuple[int, int]]  # (council session id, the nomination on its agenda)


def convene(engine: Engine, size: int, meetings: int) -> Crowd:
    """The Department of Home Affairs' council of `size` members, each with a token, and
    `meetings` sessions of it, one nominee on each agenda, every member present."""
    with session_scope(engine) as session:
        prov = build_province(session)
        home_affairs = prov.units["snv"]
        council(session, prov, "snv", home_affairs, size)
        for key, role in (("officer", Role.UNIT_OFFICER), ("unit_secretariat", Role.SECRETARIAT)):
            grant(session, prov.people[key], role, home_affairs)
            session.flush()
            prov.actors[key] = load_actor(session, prov.people[key].id)
        secretariat = prov.actors["unit_secretariat"]
        seats = prov.members["snv"]
        tokens = [issue_token(session, system_actor(), m.person_id, "load") for m in seats]
        held = []
        for i in range(meetings):
            key = f"nominee:{i}"
            prov.people[key] = person(session, f"Chuyên viên {i + 1}", home_affairs)
            years = range(2021, 2026)
            history(session, prov.people[key], dict.fromkeys(years, "HTT"), {y: ["LDTT"] for y in years[:-1]})
            n = draft(session, prov, key=key, unit="snv")
            report(session, prov, n)
            submit(session, prov.actors["officer"], [n], now=NOW)
            apply(session, n, "accept", secretariat, now=NOW)
            meeting = open_session(
                session,
                secretariat,
                prov.councils["snv"].id,
                held_at=NOW,
                place="Phòng họp Sở Nội vụ",
                chair_id=seats[0].person_id,
                secretary_id=seats[1].person_id,
                campaign_id=prov.campaign.id,
            )
            add_to_agenda(session, secretariat, meeting.id, [n])
            for m in seats:
                record_attendance(session, secretariat, meeting.id, m.id, present=True)
            held.append((meeting.id, n.id))
        members = [(m.id, token) for m, token in zip(seats, tokens, strict=True)]
        return Crowd(prov.people["unit_secretariat"].id, members, held)


def close_and_count(engine: Engine, crowd: Crowd, meeting: int) -> tuple[Counter, TallyResult]:
    """The ballots recorded per member, then the council's tally once the voting is closed."""
    with session_scope(engine) as session:
        voters = Counter(session.exec(select(BallotCast.member_id).where(BallotCast.session_id == meeting)))
        (result,) = close_and_tally(session, load_actor(session, crowd.secretariat_id), meeting, NOW)
        return voters, result


def choice(i: int) -> str:
    """The i-th member's vote: every fourth one votes no."""
    return "no" if i % 4 == 0 else "yes"


def until_swept(engine: Engine, wait: float = 120) -> float:
    """The seconds until the app's first deadline sweep ended: the sweep at start is the first
    flow run of an embedded app, which starts the temporary Prefect server."""
    started = time.monotonic()
    done = select(FlowRun).where(FlowRun.flow == "deadline_sweeper", FlowRun.ended_at.is_not(None))
    while time.monotonic() < started + wait:
        with Session(engine) as session:
            if session.exec(done).first():
                return time.monotonic() - started
        time.sleep(0.5)
    raise TimeoutError(f"no deadline sweep in {wait} s")


@contextmanager
def serving(
    env: dict[str, str], log: Path, wait: float = 120, workers: int = 1
) -> Iterator[tuple[str, subprocess.Popen]]:
    """`vinhdanh serve` on a free loopback port with these settings and uvicorn worker processes,
    until the block ends (SIGTERM)."""
    port = free_port()
    with open(log, "w") as out:
        server = subprocess.Popen(
            [str(BIN / "vinhdanh"), "serve", "--port", str(port), "--workers", str(workers)],
            env={**os.environ, **env},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + wait
        while not _healthy(base):
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"vinhdanh serve did not start:\n{log.read_text()}")
            time.sleep(0.2)
        yield base, server
    finally:
        server.terminate()
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _healthy(base: str) -> bool:
    try:
        return httpx.get(f"{base}/api/v1/health", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


@dataclass
class Call:
    method: str
    path: str
    token: str
    body: dict | None = None


@dataclass
class Answer:
    status: int | str  # the HTTP status, or "timeout" / the transport error's name
    seconds: float
    body: str


def storm(base: str, calls: list[Call], timeout: float = 60) -> list[Answer]:
    """Every call sent at once, each on its own connection; the answers in the calls' order."""

    async def send(client: httpx.AsyncClient, call: Call) -> Answer:
        headers = {"Authorization": f"Bearer {call.token}"}
        start = time.perf_counter()
        try:
            answer = await client.request(call.method, call.path, json=call.body, headers=headers)
        except httpx.TimeoutException:
            return Answer("timeout", time.perf_counter() - start, "")
        except httpx.TransportError as error:
            return Answer(type(error).__name__, time.perf_counter() - start, str(error))
        return Answer(answer.status_code, time.perf_counter() - start, answer.text)

    async def all_at_once() -> list[Answer]:
        limits = httpx.Limits(max_connections=None, max_keepalive_connections=None)
        async with httpx.AsyncClient(base_url=base, timeout=timeout, limits=limits) as client:
            return await asyncio.gather(*(send(client, call) for call in calls))

    return asyncio.run(all_at_once())


def ballot(session_id: int, nomination_id: int, token: str, vote: str) -> Call:
    return Call(
        "POST", f"/api/v1/council-sessions/{session_id}/ballots", token, {"choices": {nomination_id: vote}}
    )
