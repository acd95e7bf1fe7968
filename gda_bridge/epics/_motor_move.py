"""One move of a motor record: when it is over, and why it did not end where it was asked to.

A put-callback on VAL is not enough to know a move is over: some IOCs (caproto's example motor)
complete it at once and only later set DMOV 1 -> 0 -> 1; a client that trusts the callback reads
positions mid-move. A :class:`MoveWatch` is over when the put-callback has come back AND DMOV is 1
after having been 0 since the put, fed by the motor's monitors (no round trip per point). A
callback that comes back with DMOV still 1 means either no motion was needed (already at the
target, LVIO, SPMG Stop/Pause) or the motion has not started yet: the watch then waits for DMOV
to go 0, up to a start timeout.

:func:`failure` then checks the outcome against what the motor record documents.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

#: SPMG menu indices (motorSPMG in motorRecord.dbd).
SPMG_STOP, SPMG_PAUSE, SPMG_MOVE, SPMG_GO = 0, 1, 2, 3
SPMG_NAMES = ("Stop", "Pause", "Move", "Go")

#: MSTA bits (0-based) as the motor record documents them.
MSTA_DIRECTION = 0
MSTA_DONE = 1
MSTA_PLUS_LS = 2
MSTA_HOMELS = 3
MSTA_POSITION = 5
MSTA_SLIP_STALL = 6
MSTA_HOME = 7
MSTA_PRESENT = 8
MSTA_PROBLEM = 9
MSTA_MOVING = 10
MSTA_GAIN_SUPPORT = 11
MSTA_COMM_ERR = 12
MSTA_MINUS_LS = 13
MSTA_HOMED = 14

#: MSTA bits that mean a move cannot be trusted, with what they are called in an error.
MSTA_PROBLEMS = ((MSTA_PLUS_LS, "MSTA plus limit switch"), (MSTA_MINUS_LS, "MSTA minus limit switch"),
                 (MSTA_SLIP_STALL, "MSTA slip/stall"), (MSTA_PROBLEM, "MSTA problem"),
                 (MSTA_COMM_ERR, "MSTA controller communication error"))


class MoveWatch:
    """One move in flight. Every method but :meth:`wait` runs on Channel Access threads."""

    def __init__(self, target: float, dmov: int | None, spmg: int | None, lvio: int | None,
                 start_timeout: float) -> None:
        self.target = target
        #: LVIO before the put: some IOCs (caproto's example) leave the record's initial 1 forever.
        self.lvio_at_start = bool(lvio)
        self.start_timeout = start_timeout
        self.finished = threading.Event()
        self.put_done = False
        self.put_error: str | None = None
        #: Why the move was interrupted (SPMG set to Stop or Pause), if it was.
        self.interrupt: str | None = None
        #: This client asked for the stop: the move ends where the motor halts, no failure.
        self.stop_requested = False
        self._lock = threading.Lock()
        self._dmov = 1 if dmov is None else int(dmov)
        self._left = False  # DMOV seen at 0 since the put
        self.spmg_at_start = spmg
        self._idle_since: float | None = None  # put done while DMOV never left 1
        self._rearmed = False
        #: Our target has come back on VAL's monitor: from then on, another VAL means STOP or a retarget.
        self.val_echoed = False

    def put_finished(self, error: str | None, motion_expected: Callable[[], bool]) -> None:
        with self._lock:
            self.put_done, self.put_error = True, error
            if error is not None or self.interrupt is not None or (self._dmov == 1 and self._left):
                self.finished.set()
            elif self._dmov == 1:
                if motion_expected():
                    self._idle_since = time.monotonic()
                else:
                    self.finished.set()

    def arrived(self) -> None:
        """RBV reached the target while waiting for a DMOV cycle that may never show (a monitor
        drops values under load: DMOV 0 -> 1 of an instant move can arrive as a single 1)."""
        with self._lock:
            if self._idle_since is not None and self._dmov == 1:
                self._idle_since = None
                self.finished.set()

    @property
    def rearmed(self) -> bool:
        return self._rearmed

    @property
    def waiting_for_start(self) -> bool:
        return self._idle_since is not None

    def val_changed(self, value: float) -> None:
        if math.isclose(value, self.target, rel_tol=1e-9, abs_tol=1e-12):
            self.val_echoed = True

    def dmov_changed(self, value: int) -> None:
        with self._lock:
            self._dmov = value
            if value == 0:
                self._left = True
                self._idle_since = None
            elif self.put_done and self._left:
                self.finished.set()

    def spmg_changed(self, value: int) -> None:
        with self._lock:
            if self.finished.is_set():
                return
            if value == SPMG_STOP:
                self.interrupt = "SPMG is Stop"  # the record cancels the move and completes it
            elif value == SPMG_PAUSE and self.spmg_at_start != SPMG_MOVE:
                # The record holds the move until Go: a scan cannot wait for an operator.
                self.interrupt = "SPMG is Pause"
                self.finished.set()

    def rearm(self) -> bool:
        """Wait for one more DMOV 0 -> 1 cycle (once per move); False if already re-armed."""
        with self._lock:
            if self._rearmed or self.interrupt is not None or self.put_error is not None:
                return False
            self._rearmed = True
            self._left = self._dmov == 0
            self._idle_since = None if self._left else time.monotonic()
            self.finished.clear()
            return True

    @property
    def dmov(self) -> int:
        return self._dmov

    def never_started(self) -> bool:
        """True once the put has come back and DMOV stayed 1 for longer than the start timeout."""
        with self._lock:
            return self._idle_since is not None and time.monotonic() - self._idle_since > self.start_timeout

    def wait(self, timeout: float, slice_wait: Callable[[threading.Event, float], bool]) -> bool:
        """Wait until over (True), or until it never started or ``timeout`` passed (False)."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return self.finished.is_set()
            if slice_wait(self.finished, min(remaining, self.start_timeout)):
                return True
            if self.never_started():
                return False


@dataclass(frozen=True)
class RecordState:
    """What the motor's monitors last said, at the end of a move."""

    rbv: float
    val: float | None
    hls: int
    lls: int
    lvio: int
    miss: int
    msta: int
    spmg: int


def off_target(watch: MoveWatch, state: RecordState, tolerance: float) -> bool:
    """Not at the target, but with no fault the record reported: a late IOC may still be moving."""
    return failure(watch, state, tolerance, "") == _off_target_reason(watch, state, tolerance, "")


def _off_target_reason(watch: MoveWatch, state: RecordState, tolerance: float, tolerance_name: str) -> str:
    if state.lvio:  # LVIO was 1 before the put already, so it says nothing about this move
        return "outside soft limits (LVIO)"
    return f"not within {tolerance_name} {tolerance:g}"


def failure(watch: MoveWatch, state: RecordState, tolerance: float, tolerance_name: str) -> str | None:
    """Why the move did not succeed, or None. The first reason that applies wins."""
    if watch.stop_requested:
        return None
    if watch.interrupt is not None:
        return watch.interrupt
    if state.spmg in (SPMG_STOP, SPMG_PAUSE) and watch.spmg_at_start != SPMG_MOVE:
        return f"SPMG is {SPMG_NAMES[state.spmg]}"
    if state.hls:
        return "high limit switch"
    if state.lls:
        return "low limit switch"
    if state.lvio and not watch.lvio_at_start:
        return "outside soft limits (LVIO)"
    if state.miss:
        return "missed the target after all retries (MISS)"
    for bit, what in MSTA_PROBLEMS:
        if state.msta >> bit & 1:
            return what
    if watch.val_echoed and state.val is not None and abs(state.val - watch.target) > max(tolerance, 1e-12 * abs(watch.target)):
        # The record sets VAL to RBV when STOP halts a move; any other VAL came from another client.
        if abs(state.val - state.rbv) <= tolerance:
            return "STOP pressed"
        return f"target changed to {state.val:g} by another client"
    if not abs(state.rbv - watch.target) <= tolerance:
        return _off_target_reason(watch, state, tolerance, tolerance_name)
    return None
