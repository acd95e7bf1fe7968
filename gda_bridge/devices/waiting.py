"""Waiting on a device's completion event while staying responsive to Ctrl-C.

A Ctrl-C reaches Python code that runs inside a Java call only between bytecodes, so a single long
Event.wait() would delay it until the wait ends. Waiting in short slices wakes at once when the
event is set and notices Ctrl-C within one slice.
"""

from __future__ import annotations

import threading
import time

SLICE = 0.05


def wait_for(event: threading.Event, timeout: float | None = None) -> bool:
    """Wait until ``event`` is set; False if ``timeout`` seconds passed first."""
    if event.is_set():
        return True
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        remaining = SLICE if deadline is None else min(SLICE, deadline - time.monotonic())
        if remaining <= 0:
            return event.is_set()
        if event.wait(remaining):
            return True
