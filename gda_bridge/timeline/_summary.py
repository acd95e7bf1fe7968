"""Where a scan's time went, in numbers, from its timeline (docs/timeline.md "Drawing it").

Times overlap (detectors collect together, readouts run on their own threads), so a phase's or a
lane's share of the scan is its *busy time*: the length of the union of its intervals, never more
than the scan's duration. The plain sum of the intervals is kept beside it as ``total_ns``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gda_bridge.core.timeline import POINTS_LANE, Timeline

POINT_PHASE = "point"
COLLECT_PHASE = "collect"
FLUSH_PHASE = "flush"
DETECTOR_KIND = "detector"


def busy_ns(start: np.ndarray, end: np.ndarray) -> int:
    """The length of the union of the intervals ``[start, end)`` (ns): time covered at least once."""
    if start.size == 0:
        return 0
    order = np.argsort(start, kind="stable")
    s, e = start[order], np.maximum(end[order], start[order])
    reach = np.maximum.accumulate(e)
    new = np.ones(s.size, dtype=bool)
    new[1:] = s[1:] > reach[:-1]
    firsts = np.flatnonzero(new)
    lasts = np.r_[firsts[1:] - 1, s.size - 1]
    return int(np.sum(reach[lasts] - s[firsts]))


@dataclass(frozen=True)
class PhaseTime:
    """One phase over the whole scan (all lanes)."""

    name: str
    count: int
    total_ns: int
    busy_ns: int
    fraction: float
    """``busy_ns`` over the scan's duration."""


@dataclass(frozen=True)
class LaneTime:
    """One lane (a device, ``points``, a thread) over the whole scan."""

    name: str
    kind: str
    count: int
    busy_ns: int
    fraction: float
    phases: tuple[tuple[str, int], ...]
    """Its phases with their busy time (ns), the longest first."""


@dataclass(frozen=True)
class SlowPoint:
    """One of the slowest points: its ``point`` intervals (several if it was retaken) and its phases."""

    point: int
    duration_ns: int
    phases: tuple[tuple[str, int], ...]
    """Busy time (ns) of each phase of the point (every lane; flushes are no point's), the longest first."""


@dataclass(frozen=True)
class Summary:
    start_ns: int
    """The first interval's start (ns since the timeline's origin)."""
    duration_ns: int
    """From the first interval's start to the last interval's end."""
    intervals: int
    points: int
    phases: tuple[PhaseTime, ...]
    """Phases that occur, the busiest first."""
    lanes: tuple[LaneTime, ...]
    """Every lane, in the file's order (devices, then points, scan thread, writer thread)."""
    collecting_ns: int
    """Time in which at least one detector was collecting (``collect`` on a detector lane)."""
    dead_ns: int
    """The rest of the duration: no detector was collecting."""
    dead_fraction: float
    slowest: tuple[SlowPoint, ...]

    def phase(self, name: str) -> PhaseTime | None:
        return next((p for p in self.phases if p.name == name), None)

    def lane(self, name: str) -> LaneTime | None:
        return next((lane for lane in self.lanes if lane.name == name), None)


def _fraction(part: int, whole: int) -> float:
    return part / whole if whole > 0 else 0.0


def _phase_busy(timeline: Timeline, mask: np.ndarray) -> tuple[tuple[str, int], ...]:
    out = []
    for index in np.unique(timeline.phase[mask]):
        sel = mask & (timeline.phase == index)
        out.append((timeline.phases[int(index)], busy_ns(timeline.start[sel], timeline.end[sel])))
    return tuple(sorted(out, key=lambda item: (-item[1], item[0])))


def summarise(timeline: Timeline, slowest: int = 10) -> Summary:
    """The numbers of :class:`Summary`; ``slowest``: how many of the slowest points to keep."""
    start, end = timeline.start, timeline.end
    n = len(timeline)
    first = int(start.min()) if n else 0
    duration = int(end.max()) - first if n else 0

    phases = []
    for index in np.unique(timeline.phase):
        sel = timeline.phase == index
        busy = busy_ns(start[sel], end[sel])
        phases.append(PhaseTime(timeline.phases[int(index)], int(sel.sum()), int(np.sum(end[sel] - start[sel])),
                                busy, _fraction(busy, duration)))
    phases.sort(key=lambda p: (-p.busy_ns, p.name))

    lanes = []
    for index, (name, kind) in enumerate(zip(timeline.lanes, timeline.lane_kinds, strict=True)):
        sel = timeline.lane == index
        busy = busy_ns(start[sel], end[sel])
        lanes.append(LaneTime(name, kind, int(sel.sum()), busy, _fraction(busy, duration), _phase_busy(timeline, sel)))

    detector_lanes = [i for i, kind in enumerate(timeline.lane_kinds) if kind == DETECTOR_KIND]
    collect = _phase_index(timeline, COLLECT_PHASE)
    sel = np.isin(timeline.lane, detector_lanes) & (timeline.phase == collect)
    collecting = busy_ns(start[sel], end[sel])

    return Summary(first, duration, n, _point_count(timeline), tuple(phases), tuple(lanes), collecting,
                   duration - collecting, _fraction(duration - collecting, duration),
                   _slowest_points(timeline, slowest))


def _phase_index(timeline: Timeline, name: str) -> int:
    return timeline.phases.index(name) if name in timeline.phases else -1


def _point_mask(timeline: Timeline) -> np.ndarray:
    """The ``point`` intervals of the ``points`` lane."""
    lane = timeline.lanes.index(POINTS_LANE) if POINTS_LANE in timeline.lanes else -1
    return (timeline.lane == lane) & (timeline.phase == _phase_index(timeline, POINT_PHASE))


def _point_count(timeline: Timeline) -> int:
    points = timeline.point[_point_mask(timeline)]
    return int(np.unique(points).size)


def _slowest_points(timeline: Timeline, count: int) -> tuple[SlowPoint, ...]:
    mask = _point_mask(timeline)
    points = timeline.point[mask]
    if points.size == 0 or count <= 0:
        return ()
    numbers, inverse = np.unique(points, return_inverse=True)
    durations = np.zeros(numbers.size, dtype=np.int64)
    np.add.at(durations, inverse, timeline.end[mask] - timeline.start[mask])
    order = np.lexsort((numbers, -durations))[:count]  # longest first; ties by point number
    # a flush's point is the last point it made readable, not a point it belongs to
    own = ~np.isin(timeline.phase, [_phase_index(timeline, POINT_PHASE), _phase_index(timeline, FLUSH_PHASE)])
    return tuple(SlowPoint(int(numbers[i]), int(durations[i]), _phase_busy(timeline, own & (timeline.point == numbers[i])))
                 for i in order)


def text_lines(summary: Summary, top: int = 3) -> list[str]:
    """A few lines for a terminal: the duration, the busiest phases, the dead time."""
    ms = 1e-6
    work = [p for p in summary.phases if p.name != POINT_PHASE][:top]
    lines = [f"{summary.points} points, {summary.intervals} intervals, {summary.duration_ns * ms:.1f} ms"]
    if summary.slowest:
        slow = summary.slowest[0]
        most = f", most of it {slow.phases[0][0]} ({slow.phases[0][1] * ms:.1f} ms)" if slow.phases else ""
        lines[0] += f"; the slowest point: {slow.point} ({slow.duration_ns * ms:.1f} ms{most})"
    lines += [f"  {p.name}: {p.busy_ns * ms:.1f} ms ({p.fraction:.0%} of the scan, {p.count} intervals)"
              for p in work]
    lines.append(f"  dead time (no detector collecting): {summary.dead_ns * ms:.1f} ms "
                 f"({summary.dead_fraction:.0%} of the scan)")
    return lines
