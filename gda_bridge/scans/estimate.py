"""How long a scan will take, said before it starts, and learnt from the scans before it.

GDA's estimate is points x collection time, which ignores motion and overhead (a scan "estimated
at 1 s" took 18). Ours adds three parts:

* motion: each moved scannable's planned path (the engine's demands, the return of an inner
  dimension to its start at each outer step, the first move from where it is) at its speed
  (``estimate_speed()`` if the device has it, else a numeric ``speed`` attribute); devices of one
  dimension move together, so a dimension costs its slowest device;
* collection: points x the longest detector collection time (detectors count in parallel); in a
  continuous scan the detectors count while the line moves, so the collection is inside the
  line's motion (its ``estimate_speed()`` is the fly speed), plus each line's run-up and
  run-down (``line_overhead_seconds()``);
* overhead: what the last scans of the same devices on this beamline cost beyond the first two,
  per point and fixed (medians: one odd scan does not move them), kept in the data folder
  (:class:`TimingHistory`). A process's first scan also pays for imports and the JVM's warming
  up, so first scans are estimated from earlier first scans, the others from the others. A kind
  never seen yet takes the medians of all kinds, or the defaults.
"""

from __future__ import annotations

import json
import logging
import math
import os
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from gda_bridge.core.documents import ScanStart

log = logging.getLogger("gda_bridge.scan")

#: What a scan costs beyond motion and collection when no scan was measured yet: per point, fixed.
DEFAULT_OVERHEAD_PER_POINT = 0.002
DEFAULT_FIXED_OVERHEAD = 0.05
#: Scans of one kind kept to fit its overhead.
KEPT_PER_KIND = 8
HISTORY_FILE = ".scan_timing.json"


@dataclass(frozen=True)
class ScanEstimate:
    seconds: float
    motion_s: float
    collection_s: float
    overhead_s: float
    earlier_scans: int
    """Scans of the same kind the overhead was learnt from (0: a first of its kind)."""


def scan_kind(start: ScanStart) -> str:
    """Scans of the same devices in the same roles are of one kind (their overheads match)."""
    return " ".join(f"{d.role[0]}:{d.name}" for d in start.devices)


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


def _path_length(demands: Sequence[float], passes: int, here: float | None) -> float:
    """Distance over ``passes`` runs through ``demands``, returning to the first between runs."""
    values = np.asarray(demands, dtype=float)
    one_run = float(np.abs(np.diff(values)).sum()) if values.size > 1 else 0.0
    back = abs(float(values[-1] - values[0]))
    first = abs(float(values[0]) - here) if here is not None else 0.0
    return first + passes * one_run + (passes - 1) * back


def motion_seconds(start: ScanStart, devices: dict[str, Any]) -> float:
    shape = start.shape
    by_dimension: dict[int, float] = {}
    for d in start.devices:
        if d.role != "scannable" or d.dimension is None or d.name not in devices:
            continue
        speed = speed_of(devices[d.name])
        field = next((f for f in d.fields if f.role == "input" and f.demands), None)
        if speed is None or field is None or not all(isinstance(v, (int, float)) for v in field.demands or ()):
            continue
        passes = int(np.prod(shape[: d.dimension])) if d.dimension else 1
        length = _path_length([float(v) for v in field.demands or ()], passes, _position(devices[d.name]))
        by_dimension[d.dimension] = max(by_dimension.get(d.dimension, 0.0), length / speed)
    return sum(by_dimension.values())


def collection_seconds(start: ScanStart) -> float:
    times = [d.collection_time for d in start.devices if d.role == "detector" and d.collection_time]
    return start.num_points * max(times, default=0.0)


class TimingHistory:
    """Measured overheads per kind of scan, in ``<data folder>/.scan_timing.json`` (or in memory).

    Each kind keeps rows ``[points, per_point_s, fixed_s, warm]``: what a point cost beyond its
    motion and collection (from the steady run between the first and the last point), what the
    scan cost besides (start, end, file), and whether it ran after another scan of the process
    (warm) or first (then its fixed part has the process's imports and the JVM's warming up).
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

    def overhead(self, kind: str, points: int, warm: bool) -> tuple[float, int]:
        """Seconds beyond motion and collection for ``points`` points, and the scans of this kind
        it knows: from rows of this kind run as warm (or as cold) as this scan, else such rows of
        any kind (a process's first scan is unlike the others), else, for a first scan, any
        rows, else the defaults."""
        with self._lock:
            mine = list(self._kinds.get(kind, []))
            every = [r for v in self._kinds.values() for r in v]
        cold_fallback = [] if warm else every  # a warm scan costs less than a first one: never more
        for rows in ([r for r in mine if bool(r[3]) == warm], [r for r in every if bool(r[3]) == warm], cold_fallback):
            if rows:
                per_point = float(np.median([r[1] for r in rows]))
                return per_point * points + float(np.median([r[2] for r in rows])), len(mine)
        return DEFAULT_OVERHEAD_PER_POINT * points + DEFAULT_FIXED_OVERHEAD, 0

    def record(self, kind: str, points: int, per_point_s: float, fixed_s: float, warm: bool) -> None:
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


def _line_seconds(start: ScanStart, devices: dict[str, Any]) -> float | None:
    """A continuous scan's run-ups and run-downs, or None for a step scan."""
    lines = [d for d in devices.values() if callable(getattr(d, "prepareLine", None))]
    if not lines:
        return None
    passes = int(np.prod(start.shape[:-1])) if len(start.shape) > 1 else 1
    overhead = getattr(lines[0], "line_overhead_seconds", None)
    return passes * float(overhead()) if callable(overhead) else 0.0


def estimate(start: ScanStart, devices: dict[str, Any], history: TimingHistory) -> ScanEstimate:
    motion, collection = motion_seconds(start, devices), collection_seconds(start)
    lines = _line_seconds(start, devices)
    if lines is not None:
        motion, collection = motion + lines, 0.0
    overhead, earlier = history.overhead(scan_kind(start), start.num_points, _warm)
    return ScanEstimate(motion + collection + overhead, motion, collection, overhead, earlier)


def learn(start: ScanStart, made: ScanEstimate, actual_s: float, steady_point_s: float | None,
          points: int, history: TimingHistory) -> None:
    """After a scan that ran all its points: what it cost beyond motion and collection, per point
    (``steady_point_s``: a point's time in the second half of the scan, past any warming up) and
    besides."""
    global _warm
    if points != start.num_points or points < 1:
        return  # an aborted or shortened scan says nothing about the whole
    beyond = actual_s - made.motion_s - made.collection_s
    if steady_point_s is not None:
        per_point = steady_point_s - (made.motion_s + made.collection_s) / points
    else:
        per_point = beyond / points
    per_point = max(0.0, per_point)
    history.record(scan_kind(start), points, per_point, beyond - per_point * points, _warm)
    _warm = True
