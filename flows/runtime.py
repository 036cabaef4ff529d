"""How flows run: the database, the system actor of the current run, and `step`, which calls a
task as a Prefect task inside a flow run or as its plain function when the same work runs
directly (the benchmark's baseline, the `inline` trigger mode). Prefect's settings are made in
`flows/__init__.py`, before anything imports it."""

import sys
import traceback
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from prefect.runtime import flow_run
from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlmodel import Session

from models import faults, runs
from models.access import Actor, system_actor
from models.config import get_settings
from models.db import app_engine, one_at_a_time, session_scope
from models.notify import holders, notify
from models.org import Role
from models.route import FLOW_SUBJECT, Flow

DIRECT: ContextVar[str | None] = ContextVar("direct_run", default=None)  # the run id, when direct
STEP: ContextVar[str] = ContextVar("step", default="")  # the task running, for the fault points
CASE: ContextVar[tuple[str, int] | None] = ContextVar("case", default=None)  # the case the run acts on


@contextmanager
def unit_of_work() -> Iterator[Session]:
    """A step's transaction, taken in turn with any other run's on the same case, committed
    when the block ends (the fault point `commit:<task>` holds it just before)."""
    with session_scope(app_engine()) as session:
        if (case := CASE.get()) is not None:
            one_at_a_time(session, *case)
        yield session
        faults.hold(f"commit:{STEP.get()}")


def run_id() -> str:
    return DIRECT.get() or flow_run.id or f"direct-{uuid.uuid4()}"


def actor() -> Actor:
    return system_actor(run_id())


def step(task, *args, **kwargs):
    """A task as a Prefect task run inside a flow run; its plain function when run directly.
    The run shows a sign of life first (a run silent for long is taken for dead: models/followups.py)."""
    with session_scope(app_engine()) as session:
        runs.alive(session, run_id())
    token = STEP.set(task.name)
    try:
        result = task.fn(*args, **kwargs) if DIRECT.get() else task(*args, **kwargs)
    finally:
        STEP.reset(token)
    faults.hold(f"after:{task.name}")
    return result


def transient(_task, _run, state) -> bool:
    """Retry a task after a fault that may pass: a dropped or locked database, a timeout,
    LibreOffice failing to start — not after a refusal of the domain."""
    try:
        state.result()
    except OperationalError:  # the connection dropped, the database was locked
        return True
    except DBAPIError as error:
        return bool(error.connection_invalidated)
    except (TimeoutError, ConnectionError):
        return True
    except RuntimeError as error:
        return "LibreOffice" in str(error)
    except Exception:
        return False
    return False


RETRY = {"retries": 2, "retry_delay_seconds": [1, 5], "retry_condition_fn": transient}


@contextmanager
def tracked(flow: Flow, entity_id: int, secretariat_unit: int | None = None) -> Iterator[str]:
    """Record the run beside the case it acts on; on failure record the error, tell the
    secretariat, and let the failure stand (the case's own transaction was rolled back)."""
    entity = FLOW_SUBJECT[flow][0] if flow in FLOW_SUBJECT else "sweep"
    with _own_run() as run:
        with unit_of_work() as session:
            runs.started(session, run, flow, entity, entity_id)
        case = CASE.set((entity, entity_id))
        try:
            yield run
        except Exception as error:
            message = f"{type(error).__name__}: {error}"
            with unit_of_work() as session:
                runs.ended(session, run, message or traceback.format_exc())
                if secretariat_unit is not None:
                    notify(
                        session,
                        holders(session, Role.SECRETARIAT, secretariat_unit),
                        "failure",
                        f"Lỗi xử lý tự động ({flow}) cho {entity} #{entity_id}",
                        f"Hồ sơ giữ nguyên trạng thái trước đó. Lỗi: {message}",
                        about=(entity, entity_id),
                        key=f"failure:{run}",
                    )
            raise
        finally:
            CASE.reset(case)
        with unit_of_work() as session:
            runs.ended(session, run)


@contextmanager
def _own_run() -> Iterator[str]:
    """The id of the flow run: Prefect's; run directly, a new one for each flow body, as each
    subflow run has its own."""
    if not DIRECT.get():
        yield run_id()
        return
    token = DIRECT.set(f"direct-{uuid.uuid4()}")
    try:
        yield run_id()
    finally:
        DIRECT.reset(token)


@contextmanager
def directly() -> Iterator[str]:
    """Run flow bodies as plain functions in this context (no Prefect run is created)."""
    token = DIRECT.set(f"direct-{uuid.uuid4()}")
    try:
        yield DIRECT.get()
    finally:
        DIRECT.reset(token)


PAGE = 200  # the Prefect server's own default page size


def queued_runs(flow: str) -> list[dict]:
    """The parameters of this flow's runs that a Prefect server holds for a worker (scheduled, or
    late): in the server mode a follow-up may wait there, for a free worker, without being lost.
    A run a worker has taken (pending, running) is not counted: its first step puts it on our
    records (models/runs.py), so one taken and not there by the grace period had its worker die
    before it started, and is run again. The other modes queue nothing outside this process."""
    if get_settings().prefect_mode != "server":
        return []
    from prefect import get_client
    from prefect.client.schemas import filters, objects

    waiting = filters.FlowRunFilter(
        state=filters.FlowRunFilterState(
            type=filters.FlowRunFilterStateType(any_=[objects.StateType.SCHEDULED])
        )
    )
    named = filters.FlowFilter(name=filters.FlowFilterName(any_=[flow]))
    found: list[dict] = []
    with get_client(sync_client=True) as client:
        while page := client.read_flow_runs(
            flow_filter=named, flow_run_filter=waiting, limit=PAGE, offset=len(found)
        ):
            found += [run.parameters for run in page]
    return found


@contextmanager
def prefect_runs() -> Iterator[None]:
    """Prefect flow runs in this thread, without the heartbeat thread whose join costs about a
    second at the end of every synchronous run (prefect-notes §0.4); settable in code only."""
    with temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        yield


def temporary_server():
    """Prefect's temporary local server in this process, if a flow run started one (its module
    is imported only then). Prefect stops it when the process exits, but not a SIGTERM'd `vinhdanh
    serve`: uvicorn ends it by raising the signal again, which skips exit handlers, and the server
    lived on as an orphan. Prefect keeps it by port; the temporary one under None."""
    module = sys.modules.get("prefect.server.api.server")
    return module.SubprocessASGIServer._instances.get(None) if module else None
