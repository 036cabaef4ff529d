"""What follows a person's committed action: its stage flow, started the way the settings say.

- `embedded` (the default): a background thread of this process runs the flows one after the
  other on Prefect's temporary local server, and the deadline sweep every `sweep_minutes`.
- `server`: `hand_over` creates the run on a Prefect server (PREFECT_API_URL), where one of the
  `vinhdanh worker` processes takes it; the call returns at once.
- `inline`: the same work, run at once in the caller without Prefect (scripts, debugging).

The action is committed before its flow starts, so a flow that fails leaves the action done and
the case in the state the action left it; the error shows on the case (models/runs.py)."""

import atexit
import functools
import logging
import queue
import signal
import threading
import time
from datetime import UTC, datetime, timedelta
from uuid import UUID

import httpx
from prefect.exceptions import PrefectHTTPStatusError
from prefect.settings import PREFECT_API_URL

from flows.runtime import directly, prefect_runs, temporary_server
from flows.stages import FLOWS, deadline_sweeper_flow
from models.config import get_settings
from models.route import Flow
from models.runs import this_worker

log = logging.getLogger("vinhdanh.triggers")
DEPLOYMENT = "vinhdanh"  # every stage flow is deployed under this name: "<flow>/vinhdanh"
STOP_WAIT = 20  # seconds an app stopping waits for its running flow (a flow run takes 0.1–2 s)


def trigger(flow: str, **parameters: int) -> None:
    if flow not in FLOWS:
        raise ValueError(f"no flow {flow!r}; flows: {', '.join(FLOWS)}")
    mode = get_settings().prefect_mode
    if mode == "server":
        hand_over(flow, parameters)
    elif mode == "inline":
        with directly():
            FLOWS[flow].fn(**parameters)
    else:
        Background.get().put(flow, parameters)


def hand_over(flow: str, parameters: dict) -> UUID:
    """A run of the flow's deployment, created on the Prefect server for a worker to take; its id.
    One call, on a client this process keeps: `run_deployment` looks the deployment up and opens a
    client every time, 414 ms a run on this machine's busy cluster against 176 ms."""
    from prefect.exceptions import ObjectNotFound

    client = _client(PREFECT_API_URL.value())
    try:
        return client.create_flow_run_from_deployment(_deployment(client, flow), parameters=parameters).id
    except ObjectNotFound:  # the server's database was replaced: the deployment has a new id
        _deployment.cache_clear()
        return client.create_flow_run_from_deployment(_deployment(client, flow), parameters=parameters).id


@functools.cache
def _client(api_url: str):
    """A Prefect client for this server, open for the process's life (closed at its exit)."""
    from prefect import get_client

    client = get_client(sync_client=True)
    client.__enter__()
    atexit.register(client.__exit__, None, None, None)
    return client


@functools.cache
def _deployment(client, flow: str) -> UUID:
    return client.read_deployment_by_name(f"{flow}/{DEPLOYMENT}").id


class Background:
    """The embedded mode's worker: one thread, flows in the order their actions committed, and
    the sweep when it starts and every `sweep_minutes`."""

    _instance: "Background | None" = None
    _lock = threading.Lock()

    def __init__(self) -> None:
        self.jobs: queue.Queue[tuple[str, dict] | None] = queue.Queue()
        self.every = timedelta(minutes=get_settings().sweep_minutes).total_seconds()
        self.stopping = threading.Event()
        self.borrowed = temporary_server()  # a test harness's, running already: not ours to stop
        self.thread = threading.Thread(target=self._run, name="vinhdanh-flows", daemon=True)
        self.thread.start()

    @classmethod
    def get(cls) -> "Background":
        with cls._lock:
            if cls._instance is None:
                cls._instance = cls()
            return cls._instance

    def put(self, flow: str, parameters: dict) -> None:
        self.jobs.put((flow, parameters))

    def drain(self) -> None:
        """Wait until every flow queued so far has run."""
        self.jobs.join()

    def stop(self, wait: float = STOP_WAIT) -> None:
        """Stop after the flow that is running, if any, waiting for it at most `wait` seconds;
        then stop the temporary Prefect server the flows started. Flows still queued are not
        lost: the sweep at the next start runs what waits for its flow (models/followups.py)."""
        self.stopping.set()
        self.jobs.put(None)  # wakes the thread if it waits for work
        self.thread.join(wait)
        server = temporary_server()
        if server is not None and server is not self.borrowed:
            server.stop()
        with self._lock:
            type(self)._instance = None

    def _run(self) -> None:
        """Queued flows one after another; the sweep at start (what fell due, or was lost, while
        the app was down) and every `sweep_minutes` after, however busy the queue."""
        with prefect_runs():
            sweep_at = time.monotonic()
            while not self.stopping.is_set():
                if time.monotonic() >= sweep_at:
                    self._call(Flow.SWEEP, {})
                    sweep_at = time.monotonic() + self.every
                try:
                    job = self.jobs.get(timeout=max(0.0, sweep_at - time.monotonic()))
                except queue.Empty:
                    continue
                try:
                    if job is not None and not self.stopping.is_set():
                        self._call(*job)
                finally:
                    self.jobs.task_done()

    @staticmethod
    def _call(flow: str, parameters: dict) -> None:
        try:
            FLOWS[flow](**parameters)
        except Exception:  # recorded on the case by the flow itself; the thread carries on
            log.exception("flow %s(%s) failed", flow, parameters)


def work(limit: int) -> None:
    """`vinhdanh worker`: deploy every stage flow as "<flow>/vinhdanh" on the Prefect server (the
    sweep on an interval), then take its scheduled runs and run them in this process, `limit` at
    once, until SIGTERM or SIGINT (the runs under way finish first). Any number of workers, on any
    machine, take runs of the same deployments: each run goes to the one whose claim the server
    accepts (Scheduled → Pending; the others' are refused).

    Prefect's own `serve` starts a new process for every flow run: importing the app and Prefect
    again cost about 5 s of CPU a run, on the order of the whole run's work. Here, as in the
    embedded mode, a run costs its work and a few calls to the server."""
    from concurrent.futures import ThreadPoolExecutor

    from prefect import get_client
    from prefect.deployments.runner import EntrypointType

    every = timedelta(minutes=get_settings().sweep_minutes)
    flows = {
        flow.to_deployment(
            name=DEPLOYMENT,
            interval=every if flow is deadline_sweeper_flow else None,
            entrypoint_type=EntrypointType.MODULE_PATH,  # "flows.stages.intake_flow": any folder
        ).apply(): flow
        for flow in FLOWS.values()
    }
    stopping = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopping.set())
    free, poll = threading.Semaphore(limit), get_settings().worker_poll_seconds
    log.info("worker %s: %d deployments, %d runs at once", this_worker(), len(flows), limit)
    with get_client(sync_client=True) as client, ThreadPoolExecutor(limit, "vinhdanh-run") as pool:
        while not stopping.is_set():
            try:
                taken = _take(
                    client, flows, free, poll, lambda flow, run: pool.submit(_serve, flow, run, free.release)
                )
            except (httpx.HTTPError, PrefectHTTPStatusError) as error:  # the server down, restarting
                log.warning("the Prefect server did not answer (%s): asking again in %g s", error, poll)
                taken = 0
            if not taken:
                stopping.wait(poll)


def _take(client, flows: dict, free: threading.Semaphore, poll: float, start) -> int:
    """Claim the runs due, soonest first, while this worker has room, and start each; how many."""
    due = client.get_scheduled_flow_runs_for_deployments(
        deployment_ids=list(flows), scheduled_before=datetime.now(UTC) + timedelta(seconds=poll)
    )
    taken = 0
    for run in sorted(due, key=lambda r: r.next_scheduled_start_time or r.expected_start_time):
        if not free.acquire(timeout=poll):
            break
        claimed = False
        try:
            claimed = _claim(client, run.id)
        finally:
            if not claimed:
                free.release()
        if claimed:
            start(flows[run.deployment_id], run)
            taken += 1
    return taken


def _claim(client, run_id) -> bool:
    """The run is this worker's if the server accepts Scheduled → Pending (it refuses the same
    proposal from a second worker)."""
    from prefect.exceptions import Abort
    from prefect.states import Pending
    from prefect.utilities.engine import propose_state_sync

    try:
        return propose_state_sync(client, Pending(), flow_run_id=run_id).is_pending()
    except Abort:
        return False


def _serve(flow, run, done) -> None:
    """One flow run in this thread, as `python -m prefect.engine` runs it in a process of its own."""
    from prefect.flow_engine import run_flow

    try:
        with prefect_runs():
            run_flow(flow, flow_run=run)
    except Exception:  # failed on the server and recorded on the case by the flow; the worker goes on
        log.exception("flow run %s (%s) failed", run.id, flow.name)
    finally:
        done()
