"""Timelines made up in the tests: a step scan of ``x`` with detector ``det`` (and ``det2`` ...), and
its file written as the writer writes it (nexus.timeline.create_timeline / write_timeline, h5py)."""

from __future__ import annotations

import time
from pathlib import Path

import h5py
import numpy as np

from gda_bridge.core.documents import DeviceDescription, ScanStart
from gda_bridge.core.timeline import PHASES, Timeline
from gda_bridge.nexus.timeline import create_timeline, lanes_of, write_timeline

MS = 1_000_000
SLOW = {3: 40 * MS}  # point 3's move takes 40 ms longer: the slow point a reader must find


def devices(detectors: int = 1) -> tuple[DeviceDescription, ...]:
    names = ["det"] + [f"det{i}" for i in range(2, detectors + 1)]
    return (DeviceDescription("x", "scannable", ()),) + tuple(DeviceDescription(n, "detector", ()) for n in names)


def scan_start(detectors: int = 1) -> ScanStart:
    return ScanStart("uid-1", 7, "scan x 0 1 0.1 det 0.01", (10,), devices(detectors), time.time())


def step_scan(points: int = 10, seed: int = 1, slow: dict[int, int] | None = None, detectors: int = 1) -> Timeline:
    """Each point: x moves (5-10 ms), the detectors collect together (10 ms) then read out one after
    the other (1-3 ms each), the point's documents (1 ms), the writer writes it (1 ms, overlapping
    the next point) and flushes every 4 points (1 ms); the scan's own start (2 ms) and end (1 ms)."""
    slow = SLOW if slow is None else slow
    rng = np.random.default_rng(seed)
    lanes, kinds = lanes_of(scan_start(detectors))
    x, dets = 0, range(1, detectors + 1)
    pts, scan_thread, writer = detectors + 1, detectors + 2, detectors + 3
    ph = {name: i for i, name in enumerate(PHASES)}
    rows: list[tuple[int, int, int, int, int]] = [(-1, scan_thread, ph["scan start"], 0, 2 * MS)]
    t = 2 * MS
    for p in range(points):
        begin = t
        move = int(rng.integers(5, 10) * MS) + slow.get(p, 0)
        rows.append((p, x, ph["move"], t, t + move))
        t += move
        rows += [(p, det, ph["collect"], t, t + 10 * MS) for det in dets]
        t += 10 * MS
        for det in dets:
            readout = int(rng.integers(1, 3) * MS)
            rows.append((p, det, ph["readout"], t, t + readout))
            t += readout
        rows.append((p, scan_thread, ph["documents"], t, t + MS))
        t += MS
        rows.append((p, pts, ph["point"], begin, t))
        rows.append((p, writer, ph["write"], t, t + MS))
        if p % 4 == 3:
            rows.append((p, writer, ph["flush"], t + MS, t + 2 * MS))
    rows.append((-1, scan_thread, ph["scan end"], t + 2 * MS, t + 3 * MS))
    cols = np.array(rows, dtype=np.int64).T
    return Timeline.empty(lanes, kinds, origin=123_456_789).with_intervals(*cols)


def write_scan_file(path: Path, timeline: Timeline, start: ScanStart | None = None) -> Path:
    """A scan file with only ``/entry1/timeline``, filled by the nexus functions the writer uses."""
    with h5py.File(path, "w") as f:
        entry = f.create_group("entry1")
        entry.attrs["NX_class"] = "NXentry"
        write_timeline(create_timeline(entry, start or scan_start(len(timeline.lanes) - 4)), timeline)
    return path
