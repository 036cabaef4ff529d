"""Flow runs as the records see them: which run acted on which case, and how it ended, so a
failure shows beside the case — in the embedded mode and against a Prefect server alike."""

import os
import socket
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, Session, SQLModel, col, select

from models.db import utcnow


class FlowRun(SQLModel, table=True):
    id: str = Field(primary_key=True, max_length=64)  # Prefect's flow run id (or a uuid run directly)
    flow: str = Field(max_length=60)
    entity: str = Field(default="", max_length=40)
    entity_id: int | None = Field(default=None, index=True)
    state: str = Field(default="running", max_length=20)  # running | completed | failed | abandoned
    started_at: datetime = Field(default_factory=utcnow)
    alive_at: datetime | None = None  # its last sign of life: the start and each step's
    ended_at: datetime | None = None
    error: str = Field(default="", max_length=4000)
    worker: str = Field(default="", max_length=200)  # host:pid of the process that ran it


def this_worker() -> str:
    """The process running flows: a `vinhdanh worker` names itself to the runs it starts."""
    return os.environ.get("VINHDANH_WORKER") or f"{socket.gethostname()}:{os.getpid()}"


def started(session: Session, run_id: str, flow: str, entity: str, entity_id: int | None) -> FlowRun:
    run = session.get(FlowRun, run_id) or FlowRun(id=run_id, flow=flow, entity=entity, entity_id=entity_id)
    run.state, run.ended_at, run.error, run.worker = "running", None, "", this_worker()
    run.alive_at = utcnow()
    session.add(run)
    return run


def alive(session: Session, run_id: str) -> None:
    """A sign of life of a running run (one UPDATE): a run without one for long is abandoned."""
    session.exec(
        sa.update(FlowRun).where(FlowRun.id == run_id, FlowRun.state == "running").values(alive_at=utcnow())
    )


def ended(session: Session, run_id: str, error: str = "") -> None:
    run = session.get(FlowRun, run_id)
    if run is not None:
        run.state, run.ended_at, run.error = ("failed" if error else "completed"), utcnow(), error[:4000]
        session.add(run)


def failures(session: Session, entity: str, entity_id: int) -> list[FlowRun]:
    query = select(FlowRun).where(
        FlowRun.entity == entity, FlowRun.entity_id == entity_id, FlowRun.state == "failed"
    )
    return list(session.exec(query.order_by(col(FlowRun.started_at).desc())))
