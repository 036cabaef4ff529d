"""The flows, and Prefect's settings for them. Prefect reads its settings from the environment
once, when it is first imported, so they are made here, before any flow module imports it: its
home under the data folder (the embedded default starts a temporary local server there), no
analytics (there is no internet here), a generous start-up timeout (the first start on a new
machine migrates its database), and warnings only in the log."""

import os
import sys
import warnings
from pathlib import Path

from models.config import get_settings

if "prefect" in sys.modules:
    warnings.warn("prefect was imported before flows: Vinh Danh's Prefect settings are ignored", stacklevel=2)
os.environ.setdefault("PREFECT_HOME", str((get_settings().data_dir / "prefect").resolve()))
Path(os.environ["PREFECT_HOME"]).mkdir(parents=True, exist_ok=True)  # Prefect makes only the last folder
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
os.environ.setdefault("PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW", "ignore")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
if get_settings().prefect_mode == "embedded":
    # The temporary server keeps its runs in SQLite, where recording task runs from their events
    # holds the write lock that creating the next flow run waits for: measured here, a flow run
    # of four tasks took 1.0–7.7 s with the recorder and 0.19 s without. It has no UI and ends
    # with the process, so neither an event feed nor automations have a reader. Flow runs, their
    # states and logs are still recorded, and each task's work is in our own audit log.
    for service in ("TASK_RUN_RECORDER", "EVENT_PERSISTER", "TRIGGERS"):
        os.environ.setdefault(f"PREFECT_SERVER_SERVICES_{service}_ENABLED", "false")
