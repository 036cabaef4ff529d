"""What follows a person's committed action: its stage flow, started the way the settings say.

- `embedded` (the default): a background thread of this process runs the flows one after the
  other on Prefect's temporary local server, and the deadline sweep every `sweep_minutes`.
- `server`: `run_deployment` hands the run to the `vinhdanh worker` processes serving the
  deployments from a Prefect server (PREFECT_API_URL); the call returns at once.
- `inline`: the same work, run at once in the caller without Prefect (scripts, debugging).

The action is committed before its flow starts, so a flow that fails leaves the action done and
the case in the state the action left it; the error shows on the case (models/runs.py)."""

import logging
import os
import queue
import threading
import time
from datetime import timedelta

from flows.runtime import directly, prefect_runs, temporary_server
from flows.stages import FLOWS, deadline_sweeper_flow
from models.config import get_settings
from models.route import Flow
from models.runs import this_worker

log = logging.getLogger("vinhdanh.triggers")
DEPLOYMENT = "vinhdanh"  # every stage flow is deployed under this name: "<flow>/vinhdanh"
STOP_WAIT = 20  # seconds an app stopping waits for its running flow (a flow run takes 0.1–2 s)
POLL_SECONDS = 2  # how often a worker asks the Prefect server for runs to start


def trigger(flow: str, **parameters: int) -> None:
    if flow not in FLOWS:
        raise ValueError(f"no flow {flow!r}; flows: {', '.join(FLOWS)}")
    mode = get_settings().prefect_mode
    if mode == "server":
        from prefect.deployments import run_deployment

        run_deployment(f"{flow}/{DEPLOYMENT}", parameters=parameters, timeout=0)
    elif mode == "inline":
        with directly():
            FLOWS[flow].fn(**parameters)
    else:
        Background.get().put(flow, parameters)


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


def serve_deployments(limit: int) -> None:
    """`vinhdanh worker`: serve every stage flow as the deployment "<flow>/vinhdanh" from the
    Prefect server, the sweep on an interval; runs until stopped. Any number of workers, on any
    machine, can serve the same deployments: each flow run goes to one of them."""
    from prefect import serve
    from prefect.deployments.runner import EntrypointType
    from prefect.settings import PREFECT_RUNNER_POLL_FREQUENCY, temporary_settings

    os.environ["VINHDANH_WORKER"] = this_worker()  # each run is a subprocess: it names its worker
    every = timedelta(minutes=get_settings().sweep_minutes)
    deployments = [
        flow.to_deployment(
            name=DEPLOYMENT,
            interval=every if flow is deadline_sweeper_flow else None,
            entrypoint_type=EntrypointType.MODULE_PATH,  # "flows.stages.intake_flow": any folder
        )
        for flow in FLOWS.values()
    ]
    # Prefect's runner asks the server for scheduled runs every 10 s: a stage's flow waited 5 s on
    # average before it started, most of a small season's wall time on a quiet cluster (bench/
    # season.py, distributed). Every 2 s, one small query a worker.
    with temporary_settings({PREFECT_RUNNER_POLL_FREQUENCY: POLL_SECONDS}):
        serve(*deployments, limit=limit, pause_on_shutdown=False, print_starting_message=False)
