"""Dependencies a route names in its signature: the database session, the settings."""

from collections.abc import AsyncIterator
from typing import Annotated

import anyio
from anyio.lowlevel import RunVar
from fastapi import Depends, Request
from sqlmodel import Session

from models.config import Settings, get_settings
from models.db import app_engine, reading

READS = frozenset({"GET", "HEAD", "OPTIONS"})
_sessions: RunVar[anyio.Semaphore] = RunVar("vinhdanh_request_sessions")


class Busy(Exception):
    """No database session came free in time (`db_pool_timeout`): the client should try again."""


def _request_sessions() -> anyio.Semaphore:
    """The sessions requests may hold at once (Settings.request_sessions), one semaphore per
    event loop, as anyio keeps its own thread limiter."""
    try:
        return _sessions.get()
    except LookupError:
        _sessions.set(semaphore := anyio.Semaphore(get_settings().request_sessions))
        return semaphore


async def get_session(request: Request) -> AsyncIterator[Session]:
    """The request's one session, shared by authentication and the route. Its turn is awaited
    here, on the event loop, before it takes a thread or a connection; a read (GET) takes no
    write lock."""
    sessions = _request_sessions()
    try:
        with anyio.fail_after(get_settings().db_pool_timeout):
            await sessions.acquire()
    except TimeoutError:
        raise Busy from None
    try:
        engine = app_engine()
        session = Session(reading(engine) if request.method in READS else engine)
        try:
            yield session
        finally:
            # Ending the transaction is a round trip to the database: in a thread of its own, as
            # FastAPI ends sync dependencies, so that it never waits for a busy threadpool; and
            # shielded, so that a client hanging up does not leave the connection checked out.
            with anyio.CancelScope(shield=True):
                await anyio.to_thread.run_sync(session.close, limiter=anyio.CapacityLimiter(1))
    finally:
        sessions.release()


SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
