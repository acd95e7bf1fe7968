"""How long a scan will take, said before it starts, and learnt from the scans before it.

GDA's estimate is points x collection time, which ignores motion and overhead (a scan "estimated
at 1 s" took 18). Ours adds three parts (docs/estimates.md):

* motion: each moved scannable's planned path (the engine's demands, the return of an inner
  dimension to its start at each outer step, the first move from where it is), move by move:
  ``estimate_move_seconds(distance)`` if the device has it (an EPICS motor accelerates over ACCL
  at both ends of every move), else distance / its speed (``estimate_speed()`` or a numeric
  ``speed`` attribute); devices of one dimension move together, so a dimension costs its slowest
  device;
* collection: points x the longest detector collection time (detectors count in parallel). A fly
  scan's device (``collects_while_moving``: a continuous line, a software fly) gives its whole
  motion itself (``estimate_motion_seconds``: every line's run-up, fly and return) and the
  detectors collect during it, so only collection beyond the motion is added;
* overhead: what the last scans of the same devices on this beamline cost beyond the first two,
  per unit (a point of a step scan, a line of a fly scan) and fixed (medians: one odd scan does
  not move them), kept in the data folder (:class:`TimingHistory`). A process's first scan also
  pays for imports and the JVM's warming up, and a process's first scan of a kind for its
  devices' and code paths' first use, so each scan is estimated from earlier scans that were as
  warm: a process's first, the first of their kind in a process, or neither. A kind never seen yet takes the scans of the kind sharing
  most devices with it, else the medians of all kinds, else the defaults.
"""

from __future__ import annotations

import json
import logging
import math
import os
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from gda_bridge.core.documents import ScanStart

log = logging.getLogger("gda_bridge.scan")

#: What a scan costs beyond motion and collection when no scan was measured yet: per point, fixed.
DEFAULT_OVERHEAD_PER_POINT = 0.002
DEFAULT_FIXED_OVERHEAD = 0.05
#: What a process's first scan pays besides, when no first scan was measured yet: the analysis's
#: imports (scipy, matplotlib) running beside it and the JVM's warming up, about a second on the
#: simulated beamline of a 2-CPU machine.
DEFAULT_COLD_FIXED_OVERHEAD = 1.0
#: Fewer rows than this of a kind are pooled with those of the kinds most like it, so that one
#: scan slowed by something else (a busy machine) does not set the next estimate alone.
POOLED_BELOW = 3
#: Scans of one kind kept to fit its overhead.
KEPT_PER_KIND = 8
HISTORY_FILE = ".scan_timing.json"
#: How warm a process was for a scan (the last number of a history row).
COLD, FIRST_OF_KIND, WARM = 0.0, 0.5, 1.0


@dataclass(frozen=True)
class ScanEstimate:
    seconds: float
    motion_s: float
    collection_s: float
    overhead_s: float
    earlier_scans: int
    """Scans of the same kind the overhead was learnt from (0: a first of its kind)."""
    fly: bool = False
    """The detectors collect during the motion (a fly scan): overheads are per line."""
    first_move_s: float = 0.0
    """The part of ``motion_s`` before the first point: the moves from where the devices were."""


FLY_KIND = "fly"


def scan_kind(start: ScanStart, fly: bool = False) -> str:
    """Scans of the same devices in the same roles are of one kind (their overheads match); a fly
    scan's kind starts with ``fly`` (its overhead is per line, not per point)."""
    devices = " ".join(f"{d.role[0]}:{d.name}" for d in start.devices)
    return f"{FLY_KIND} {devices}" if fly else devices


def speed_of(device: Any) -> float | None:
    estimate = getattr(device, "estimate_speed", None)
    speed = estimate() if callable(estimate) else getattr(device, "speed", None)
    if isinstance(speed, (int, float)) and math.isfinite(speed) and speed > 0:
        return float(speed)
    return None


def _position(device: Any) -> float | None:
    try:
        value = device.getPosition()
        return float(value[0] if isinstance(value, (list, tuple, np.ndarray)) else value)
    except Exception:  # an unreadable or non-numeric position: the first move is not counted
        return None


def _move_time(device: Any) -> Any:
    """A function distance -> seconds for one move of ``device``, or None if it cannot say."""
    own = getattr(device, "estimate_move_seconds", None)
    if callable(own):
        return own
    speed = speed_of(device)
    return None if speed is None else (lambda distance: abs(distance) / speed)


def _seconds_per_point(start: ScanStart) -> float:
    return max((d.collection_time for d in start.devices if d.role == "detector" and d.collection_time),
               default=0.0)


def _level(device: Any) -> int:
    try:
        return int(device.getLevel())
    except Exception:  # no level: GDA's default
        return 5


def _dimension_seconds(start: ScanStart, devices: dict[str, Any]) -> tuple[dict[int, float], float, bool]:
    """Seconds of motion (the stepped scannables' under key -1, each fly line's dimension's under
    its own), the seconds of the first moves from where the devices are, and whether the
    detectors collect during the motion."""
    by_dimension: dict[int, float] = {}
    first: dict[int, float] = {}
    stepped: list[_Stepped] = []
    inside = False
    for d in start.devices:
        if d.role != "scannable" or d.dimension is None or d.name not in devices:
            continue
        device = devices[d.name]
        field = next((f for f in d.fields if f.role == "input" and f.demands), None)
        if field is None or not all(isinstance(v, (int, float)) for v in field.demands or ()):
            continue
        demands = [float(v) for v in field.demands or ()]
        passes = int(np.prod(start.shape[: d.dimension])) if d.dimension else 1
        own = getattr(device, "estimate_motion_seconds", None)
        if getattr(device, "collects_while_moving", False) and callable(own):
            seconds = float(own(demands, passes, _seconds_per_point(start)))
            by_dimension[d.dimension] = max(by_dimension.get(d.dimension, 0.0), seconds)
            inside = True
            continue
        move = _move_time(device)
        if move is None:
            continue
        level = _level(device)
        here = _position(device)
        if here is not None and demands and demands[0] != here:
            first[level] = max(first.get(level, 0.0), float(move(abs(demands[0] - here))))
        stepped.append(_Stepped(d.dimension, level, demands, move))
    by_dimension[-1] = _stepped_seconds(tuple(start.shape), stepped) + sum(first.values())
    return by_dimension, sum(first.values()), inside


@dataclass(frozen=True)
class _Stepped:
    dimension: int
    level: int
    demands: list[float]
    move: Any


def _stepped_seconds(shape: tuple[int, ...], stepped: list[_Stepped]) -> float:
    """The stepped scannables' moves between points, as the engine makes them: at a point where
    dimension k steps, its scannables step and those of the inner dimensions return to their
    first demand, all of a level at once (the slowest counts) and level after level."""
    total = 0.0
    for k in range(len(shape)):
        movers = [s for s in stepped if s.dimension == k]
        inner = [s for s in stepped if s.dimension > k]
        if not movers and not inner:
            continue
        passes = int(np.prod(shape[:k]))  # each step of dimension k is made once per pass of the outer ones
        returns: dict[int, float] = {}
        for s in inner:
            back = abs(s.demands[-1] - s.demands[0])
            if back > 0:
                returns[s.level] = max(returns.get(s.level, 0.0), float(s.move(back)))
        for i in range(1, shape[k]):
            per_level = dict(returns)
            for s in movers:
                distance = abs(s.demands[i] - s.demands[i - 1]) if i < len(s.demands) else 0.0
                if distance > 0:
                    per_level[s.level] = max(per_level.get(s.level, 0.0), float(s.move(distance)))
            total += passes * sum(per_level.values())
    return total


def motion_seconds(start: ScanStart, devices: dict[str, Any]) -> float:
    return sum(_dimension_seconds(start, devices)[0].values())


def collection_seconds(start: ScanStart) -> float:
    return start.num_points * _seconds_per_point(start)


class TimingHistory:
    """Measured overheads per kind of scan, in ``<data folder>/.scan_timing.json`` (or in memory).

    Each kind keeps rows ``[points, per_point_s, fixed_s, warm]``: what a point (or line) cost
    beyond its motion and collection (from the steady run between the first and the last point),
    what the scan cost besides (start, end, file), and how warm its process was: ``COLD`` (its
    first scan: its fixed part has the process's imports and the JVM's warming up),
    ``FIRST_OF_KIND`` (the process's first scan of this kind) or ``WARM``.
    """

    def __init__(self, folder: Path | None = None) -> None:
        self.path = folder / HISTORY_FILE if folder is not None else None
        self._lock = threading.Lock()
        self._kinds: dict[str, list[list[float]]] = self._load()

    def _load(self) -> dict[str, list[list[float]]]:
        if self.path is None or not self.path.exists():
            return {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return {str(k): [[float(n), float(p), float(f), float(w)] for n, p, f, w in v] for k, v in data.items()}
        except (OSError, ValueError, TypeError) as exc:
            log.warning("scan timing history %s unreadable (%s); estimates start afresh", self.path, exc)
            return {}

    def overhead(self, kind: str, points: int, warm: float) -> tuple[float, int]:
        """Seconds beyond motion and collection for ``points`` units (points, or a fly scan's
        lines), and the scans of this kind it knows (``warm``: COLD, FIRST_OF_KIND or WARM; True
        is WARM). Per unit: the median of this kind's rows that were not a process's first scan
        (a steady point costs the same either way), else, for a first scan, of first scans. Fixed: the median of
        this kind's rows run as warm as this scan (a first scan of its kind, lacking those, the
        warm ones). Rows of one kind too few (``POOLED_BELOW``) are pooled with those of the kinds
        sharing most devices with it, then of every kind (of fly scans for a fly scan, first);
        else the defaults (a process's first scan pays for its warming up)."""
        return self.per_point(kind, warm) * points + self.fixed(kind, warm), self._known(kind)

    def per_point(self, kind: str, warm: float) -> float:
        """The cost of a unit beyond motion and collection that :meth:`overhead` uses."""
        # a first scan's points ran beside the process's warming up: only ever for another first
        for states in ({WARM, FIRST_OF_KIND}, {COLD} if float(warm) == COLD else set()):
            rows = self._pool(kind, states)
            if rows:
                return float(np.median([r[1] for r in rows]))
        return DEFAULT_OVERHEAD_PER_POINT

    def warm_per_point(self, kind: str) -> float | None:
        """The per-unit cost learnt from scans that were not a process's first, if any."""
        rows = self._pool(kind, {WARM, FIRST_OF_KIND})
        return float(np.median([r[1] for r in rows])) if rows else None

    def fixed(self, kind: str, warm: float) -> float:
        """The fixed cost :meth:`overhead` uses."""
        chain = {WARM: [WARM], FIRST_OF_KIND: [FIRST_OF_KIND, WARM]}.get(float(warm), [COLD])
        for state in chain:  # a warm scan costs less than a first one: never estimated from one
            rows = self._pool(kind, {state})
            if rows:
                return float(np.median([r[2] for r in rows]))
        return DEFAULT_COLD_FIXED_OVERHEAD if float(warm) == COLD else DEFAULT_FIXED_OVERHEAD

    def _known(self, kind: str) -> int:
        with self._lock:
            return len(self._kinds.get(kind, []))

    def _pool(self, kind: str, states: set[float]) -> list[list[float]]:
        """Rows of ``kind`` in ``states``, with those of the kinds most like it while too few."""
        with self._lock:
            kinds = {k: [r for r in v if r[3] in states] for k, v in self._kinds.items()}
        fly = kind.split(" ", 1)[0] == FLY_KIND
        same_sort = {k: v for k, v in kinds.items() if (k.split(" ", 1)[0] == FLY_KIND) == fly and k != kind and v}
        tokens = set(kind.split()) - {FLY_KIND}
        shared = {k: len(tokens & (set(k.split()) - {FLY_KIND})) for k in same_sort}
        best = max(shared.values(), default=0)
        nearest = [r for k, n in shared.items() if n == best > 0 for r in same_sort[k]]
        pool: list[list[float]] = []
        for rows in (kinds.get(kind, []), nearest, [r for v in same_sort.values() for r in v],
                     [r for v in kinds.values() for r in v]):
            pool += [r for r in rows if not any(r is q for q in pool)]
            if len(pool) >= POOLED_BELOW:
                break
        return pool

    def record(self, kind: str, points: int, per_point_s: float, fixed_s: float, warm: float) -> None:
        with self._lock:
            kept = self._kinds.setdefault(kind, [])
            kept.append([float(points), max(0.0, per_point_s), max(0.0, fixed_s), float(warm)])
            del kept[:-KEPT_PER_KIND]
            snapshot = json.dumps(self._kinds)
        if self.path is not None:
            self._write(snapshot)

    def _write(self, text: str) -> None:
        assert self.path is not None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".scan_timing.")
            with os.fdopen(handle, "w", encoding="utf-8") as f:
                f.write(text)
            os.replace(tmp, self.path)
        except OSError as exc:
            log.warning("could not keep the scan timing history in %s: %s", self.path, exc)


_warm = False  # a scan of this process has been learnt from already
_kinds_run: set[str] = set()  # the kinds this process has been learnt from


def _warmth(kind: str) -> float:
    return COLD if not _warm else WARM if kind in _kinds_run else FIRST_OF_KIND


class SteadyPointClock:
    """A point's time in the second half of a scan of ``points`` points, past any warming up."""

    def __init__(self, points: int) -> None:
        self._from = points // 2
        self._count = 0
        self._first: float | None = None
        self._last = 0.0

    def point(self, t: float) -> None:
        self._count += 1
        if self._count == self._from + 1:
            self._first = t
        self._last = t

    def seconds_per_point(self) -> float | None:
        if self._first is None or self._count - 1 <= self._from:
            return None
        return (self._last - self._first) / (self._count - 1 - self._from)


def _is_fly(start: ScanStart, devices: dict[str, Any]) -> bool:
    return any(getattr(devices.get(d.name), "collects_while_moving", False) for d in start.devices)


def _units(start: ScanStart, fly: bool) -> int:
    """What the overhead is counted in: points, or a fly scan's lines (its points come in a line)."""
    return int(np.prod(start.shape[:-1])) if fly and len(start.shape) > 1 else (1 if fly else start.num_points)


def estimate(start: ScanStart, devices: dict[str, Any], history: TimingHistory) -> ScanEstimate:
    by_dimension, first_move, fly = _dimension_seconds(start, devices)
    motion, collection = sum(by_dimension.values()), collection_seconds(start)
    if fly:  # the detectors collect while the line moves: only what takes longer adds
        collection = max(0.0, collection - motion)
    kind = scan_kind(start, fly)
    overhead, earlier = history.overhead(kind, _units(start, fly), _warmth(kind))
    return ScanEstimate(motion + collection + overhead, motion, collection, overhead, earlier, fly, first_move)


def learn(start: ScanStart, made: ScanEstimate, actual_s: float, steady_point_s: float | None,
          points: int, history: TimingHistory) -> None:
    """After a scan that ran all its points: what it cost beyond motion and collection, per unit
    and besides. A step scan's unit is a point: ``steady_point_s``, a point's time in the second
    half of the scan, past any warming up; but a process's first scan (of all, or of its kind)
    runs beside imports and first uses of its own (the analysis warming up), so its per-point
    cost is the warm scans' when they are known and the rest is fixed. A fly scan's unit is a line (its points arrive a line at a time): what
    is left after the fixed cost the history knows, shared among its lines."""
    global _warm
    if points != start.num_points or points < 1:
        return  # an aborted or shortened scan says nothing about the whole
    kind = scan_kind(start, made.fly)
    beyond = actual_s - made.motion_s - made.collection_s
    units = _units(start, made.fly)
    warmth = _warmth(kind)
    known = None if warmth == WARM else history.warm_per_point(kind)
    if made.fly:
        per_unit = (beyond - history.fixed(kind, warmth)) / units
    elif known is not None:
        per_unit = known
    elif steady_point_s is not None:
        # the time from one point to the next has the moves between points (all but the first,
        # from where the devices were, which comes before the first point) and one collection
        between = (made.motion_s - made.first_move_s) / max(1, points - 1)
        per_unit = steady_point_s - between - made.collection_s / points
    else:
        per_unit = beyond / points
    per_unit = max(0.0, per_unit)
    history.record(kind, units, per_unit, beyond - per_unit * units, warmth)
    _warm = True
    _kinds_run.add(kind)
