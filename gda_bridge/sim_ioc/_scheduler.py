"""Timed callbacks for the simulation, run by the server loop between Channel Access requests.

Everything in the IOC process runs on one thread: the CA server answers requests, then the loop
runs whatever is due (a motor's next readback, the end of a count, the next frame) and asks the
server to wait for requests until the next one is due. No locks, no thread hand-offs (the one
exception, the HDF5 file plugin's writer thread, reports back through a queue the loop polls).
"""

from __future__ import annotations

import heapq
import itertools
import time
from collections.abc import Callable


class Timer:
    """A scheduled callback; :meth:`cancel` keeps it from running."""

    __slots__ = ("when", "callback", "cancelled")

    def __init__(self, when: float, callback: Callable[[], None]) -> None:
        self.when = when
        self.callback = callback
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True


class Scheduler:
    """A heap of timers on ``time.monotonic()``."""

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, Timer]] = []
        self._order = itertools.count()

    @staticmethod
    def now() -> float:
        return time.monotonic()

    def call_at(self, when: float, callback: Callable[[], None]) -> Timer:
        timer = Timer(when, callback)
        heapq.heappush(self._heap, (when, next(self._order), timer))
        return timer

    def call_later(self, delay: float, callback: Callable[[], None]) -> Timer:
        return self.call_at(self.now() + max(0.0, delay), callback)

    def call_soon(self, callback: Callable[[], None]) -> Timer:
        """Run ``callback`` after the current request has been handled (on the next loop turn)."""
        return self.call_at(0.0, callback)

    def run_due(self) -> None:
        """Run every timer due now, and those scheduled meanwhile for a time already past (as
        call_soon does); one that falls due only while they run waits for the next turn, so a
        fast camera cannot keep the server from answering requests."""
        now = self.now()
        while self._heap and self._heap[0][0] <= now:
            _, _, timer = heapq.heappop(self._heap)
            if not timer.cancelled:
                timer.callback()

    def delay(self, longest: float) -> float:
        """Seconds until the next timer is due (0 if one is), at most ``longest``."""
        while self._heap and self._heap[0][2].cancelled:
            heapq.heappop(self._heap)
        if not self._heap:
            return longest
        return min(longest, max(0.0, self._heap[0][0] - self.now()))
