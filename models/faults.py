"""Named points where a process can be held, so that the fault tests (tests/test_faults.py) kill
it with SIGKILL, or cut its database connection, at a known moment: inside a transaction about to
commit, between two steps of a flow, in the middle of an upload. Off unless VINHDANH_FAULT_POINT
names the point; then the process writes its pid to VINHDANH_FAULT_MARKER and waits until the
test removes that file — once per marker, and at most HOLD seconds, so that a test gone wrong
never leaves a process waiting."""

import os
import time
from pathlib import Path

from models.config import get_settings

HOLD = 60  # seconds
_released: set[Path] = set()


def hold(name: str) -> None:
    settings = get_settings()
    if settings.fault_point != name or settings.fault_marker is None:
        return
    marker = settings.fault_marker
    if marker in _released:
        return
    _released.add(marker)
    marker.write_text(str(os.getpid()))
    deadline = time.monotonic() + HOLD
    while marker.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
