"""A scan's timeline: when each phase of each point began and ended, on CLOCK_MONOTONIC.

The engine marks the phases of its devices and of the scan thread (Java's ``System.nanoTime()``
and Python's ``time.monotonic_ns()`` read the same clock on Linux); the file writer adds its own
(``write``, ``flush``) from its thread. Times are nanoseconds since ``origin``, the clock's value
when the scan started (``ScanStart.time`` in epoch seconds). The file layout is in
docs/timeline.md; ``gda_bridge.nexus.timeline`` writes and reads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from gda_bridge.core.documents import ScanStart

#: Every phase, by number. The engine's come first, in the order of Java's ScanMarks.PHASES.
PHASES: tuple[str, ...] = (
    "point", "move", "collect", "readout", "read", "documents", "prepare", "motion", "readback",
    "scan start", "scan end", "write", "flush",
)
WRITE = PHASES.index("write")
FLUSH = PHASES.index("flush")
#: Lanes after the devices': the engine's two, then the writer's.
POINTS_LANE, SCAN_THREAD_LANE, WRITER_LANE = "points", "scan thread", "writer thread"


def lanes_of(start: ScanStart) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Lane names and kinds of a scan: its devices (command order), the engine's, the writer's."""
    names = tuple(d.name for d in start.devices) + (POINTS_LANE, SCAN_THREAD_LANE, WRITER_LANE)
    kinds = tuple(d.role for d in start.devices) + ("points", "thread", "thread")
    return names, kinds


@dataclass(frozen=True)
class Timeline:
    """Intervals as parallel arrays: ``point`` (-1: the scan's own), ``lane`` and ``phase`` (indices
    into ``lanes`` and ``phases``), ``start`` and ``end`` (ns since ``origin``)."""

    lanes: tuple[str, ...]
    lane_kinds: tuple[str, ...]
    """Per lane: a device's role ("scannable", "monitor", "detector"), or "points" or "thread"."""
    phases: tuple[str, ...]
    point: np.ndarray
    lane: np.ndarray
    phase: np.ndarray
    start: np.ndarray
    end: np.ndarray
    origin: int
    """CLOCK_MONOTONIC nanoseconds at the scan's start."""

    def __len__(self) -> int:
        return int(self.point.size)

    @classmethod
    def empty(cls, lanes: tuple[str, ...], lane_kinds: tuple[str, ...], origin: int) -> Timeline:
        none = np.zeros(0, dtype=np.int64)
        return cls(lanes, lane_kinds, PHASES, none, none.astype(np.int32), none.astype(np.int32), none, none, origin)

    def with_intervals(self, point: np.ndarray, lane: np.ndarray, phase: np.ndarray, start: np.ndarray,
                       end: np.ndarray) -> Timeline:
        """This timeline with more intervals (times since ``origin``) after its own."""
        return Timeline(self.lanes, self.lane_kinds, self.phases,
                        np.concatenate([self.point, np.asarray(point, dtype=np.int64)]),
                        np.concatenate([self.lane, np.asarray(lane, dtype=np.int32)]),
                        np.concatenate([self.phase, np.asarray(phase, dtype=np.int32)]),
                        np.concatenate([self.start, np.asarray(start, dtype=np.int64)]),
                        np.concatenate([self.end, np.asarray(end, dtype=np.int64)]), self.origin)

    def by_start(self) -> Timeline:
        """The same intervals ordered by start (as files keep them; sorted by the writer's thread,
        not the scan's)."""
        order = np.argsort(self.start, kind="stable")
        return Timeline(self.lanes, self.lane_kinds, self.phases, self.point[order], self.lane[order],
                        self.phase[order], self.start[order], self.end[order], self.origin)
