"""The scan file's ``/entry1/timeline`` group (docs/timeline.md): the scan's timeline as plain
datasets any HDF5 reader can parse.

The group and its fixed parts are made with the layout (a file in SWMR mode takes no new
objects); the intervals are written when the scan ends.
"""

from __future__ import annotations

import time
from array import array
from pathlib import Path

import h5py
import numpy as np

from gda_bridge.core.documents import ScanStart
from gda_bridge.core.timeline import FLUSH, PHASES, WRITE, Timeline, lanes_of
from gda_bridge.nexus.layout import iso_time

GROUP = "timeline"
VERSION = 1
_COLUMNS = (("point", "int64"), ("lane", "int32"), ("phase", "int32"), ("start", "int64"), ("end", "int64"))


def _strings(group: h5py.Group, name: str, values: tuple[str, ...]) -> None:
    encoded = [v.encode() for v in values]
    width = max((len(v) for v in encoded), default=1) or 1
    group.create_dataset(name, data=np.array(encoded, dtype=f"S{width}"))


def create_timeline(entry: h5py.Group, start: ScanStart) -> h5py.Group:
    """The empty group; call before the file goes to SWMR mode."""
    group = entry.create_group(GROUP)
    group.attrs["NX_class"] = "NXcollection"
    group.attrs["clock"] = "CLOCK_MONOTONIC"
    group.attrs["units"] = "ns"
    group.attrs["version"] = VERSION
    group.attrs["start_time"] = iso_time(start.time)
    group.attrs["description"] = (
        "One row per interval: point (-1 for the scan's own phases), lane (index into lane_names), "
        "phase (index into phase_names), start and end in ns since origin (CLOCK_MONOTONIC ns at start_time)")
    names, kinds = lanes_of(start)
    _strings(group, "lane_names", names)
    _strings(group, "lane_kinds", kinds)
    _strings(group, "phase_names", PHASES)
    group.create_dataset("origin", data=np.int64(0))
    for name, dtype in _COLUMNS:
        dset = group.create_dataset(name, shape=(0,), maxshape=(None,), chunks=(4096,), dtype=dtype)
        if name in ("start", "end"):
            dset.attrs["units"] = "ns"
    return group


class WriterMarks:
    """The writer thread's own marks: each point's write, each flush (kept as machine integers)."""

    def __init__(self) -> None:
        self._point = array("q")
        self._phase = array("i")
        self._start = array("q")
        self._end = array("q")

    def written(self, point: int, began: int) -> None:
        self._add(point, WRITE, began)

    def flushed(self, last_point: int, began: int) -> None:
        self._add(last_point, FLUSH, began)

    def _add(self, point: int, phase: int, began: int) -> None:
        self._point.append(point)
        self._phase.append(phase)
        self._start.append(began)
        self._end.append(time.monotonic_ns())

    def added_to(self, timeline: Timeline) -> Timeline:
        """``timeline`` with these marks on its writer-thread lane (its last)."""
        start = np.frombuffer(self._start, dtype=np.int64) - timeline.origin
        end = np.frombuffer(self._end, dtype=np.int64) - timeline.origin
        lane = np.full(start.size, len(timeline.lanes) - 1, dtype=np.int32)
        return timeline.with_intervals(np.frombuffer(self._point, dtype=np.int64), lane,
                                       np.frombuffer(self._phase, dtype=np.int32), start, end)


def write_timeline(group: h5py.Group, timeline: Timeline) -> None:
    """Fill the group made by :func:`create_timeline` (also in SWMR mode), rows by start."""
    timeline = timeline.by_start()
    group["origin"][()] = np.int64(timeline.origin)
    for name, _dtype in _COLUMNS:
        values = getattr(timeline, name)
        dset = group[name]
        dset.resize((values.size,))
        if values.size:
            dset[:] = values


def read_timeline(source: str | Path | h5py.File, entry: str = "entry1") -> Timeline:
    """The timeline of a scan file; KeyError if it has none (written before timelines, or killed)."""
    if not isinstance(source, h5py.File):
        with h5py.File(source, "r", locking=False) as f:
            return read_timeline(f, entry)
    group = source[f"{entry}/{GROUP}"]

    def names(key: str) -> tuple[str, ...]:
        return tuple(bytes(v).decode() for v in group[key][()])

    columns = {name: np.asarray(group[name][()], dtype=dtype) for name, dtype in _COLUMNS}
    return Timeline(names("lane_names"), names("lane_kinds"), names("phase_names"), columns["point"],
                    columns["lane"], columns["phase"], columns["start"], columns["end"], int(group["origin"][()]))
