"""GDA's ``diamond_scan`` collection (its NexusScanMetadataWriter's names): what live readers
follow while the scan runs and the scan's timing.

``/entry1/diamond_scan`` (NXcollection):
``scan_rank``, ``scan_shape``, ``scan_command``, ``scan_fields`` (every column's name, also at
``/entry1/scan_fields``), ``start_time`` / ``end_time`` (the entry's), ``scan_estimated_duration``,
``duration`` (also ``/entry1/duration``), ``scan_dead_time`` and ``scan_dead_time_percent`` (all
times in ms), ``point_start_times`` / ``point_end_times`` (ISO 8601, scan shape),
``keys/uniqueKeys`` (scan shape, 0 until the point is written, then its number counting from 1)
and ``scan_finished`` (shape (1,), unlimited, 0 until the file is closed, then 1). DAWN's live
view watches ``uniqueKeys`` and ``scan_finished``.
"""

from __future__ import annotations

import h5py
import numpy as np

from gda_bridge.core.documents import ScanStart
from gda_bridge.nexus.layout import TIME_WIDTH, _scalar_chunks, iso_time


class ScanProgress:
    """In-memory copies of the per-point datasets, written out at each flush of the writer."""

    def __init__(self, group: h5py.Group, start: ScanStart) -> None:
        shape = tuple(start.shape)
        self._start_time = start.time
        self._previous_end = start.time
        self.estimated_ms = estimated_duration_ms(start)
        self.keys = np.zeros(shape, dtype="int32")
        self.starts = np.full(shape, b"", dtype=f"S{TIME_WIDTH}")
        self.ends = np.full(shape, b"", dtype=f"S{TIME_WIDTH}")
        keys = group.create_group("keys")
        keys.attrs["NX_class"] = "NXcollection"
        self._keys = _per_point(keys, "uniqueKeys", self.keys, 0)
        self._starts = _per_point(group, "point_start_times", self.starts, b"")
        self._ends = _per_point(group, "point_end_times", self.ends, b"")
        self._finished = group.create_dataset(
            "scan_finished", shape=(1,), maxshape=(None,), chunks=(1,), dtype="int32", fillvalue=0
        )
        self._duration = group["duration"]
        self._dead = group["scan_dead_time"]
        self._dead_percent = group["scan_dead_time_percent"]

    def point(self, idx: tuple[int, ...], index: int, t: float) -> None:
        """A point reached the file. It started when the previous point ended (GDA marks a point
        started before it moves), the first one when the scan started."""
        self.keys[idx] = index + 1
        self.starts[idx] = iso_time(self._previous_end).encode()
        self.ends[idx] = iso_time(t).encode()
        self._previous_end = t

    def flush(self, lo: int, hi: int) -> None:
        for dset, mirror in ((self._keys, self.keys), (self._starts, self.starts), (self._ends, self.ends)):
            if mirror.ndim == 0:
                dset[()] = mirror
            elif mirror.size:
                dset[lo:hi] = mirror[lo:hi]

    def finish(self, end_time: float) -> None:
        duration = max(0, round((end_time - self._start_time) * 1000))
        dead = duration - self.estimated_ms
        self._duration[()] = duration
        self._dead[()] = dead
        self._dead_percent[()] = 100.0 * dead / duration if duration else 0.0
        self._finished[0] = 1


def estimated_duration_ms(start: ScanStart) -> int:
    """Points times the longest detector collection time (detectors count in parallel); moves
    are not counted, so the dead time is what moving and reading out cost."""
    times = [d.collection_time for d in start.devices if d.role == "detector" and d.collection_time]
    return round(start.num_points * max(times, default=0.0) * 1000)


def create_diamond_scan(entry: h5py.Group, start: ScanStart) -> ScanProgress:
    """The collection and the entry's links into it; call after the entry's ``end_time`` exists."""
    names = [c.encode() for c in start.columns]
    width = max((len(n) for n in names), default=1)
    entry["scan_fields"] = np.array(names, dtype=f"S{width}")
    group = entry.create_group("diamond_scan")
    group.attrs["NX_class"] = "NXcollection"
    group["scan_rank"] = np.int32(len(start.shape))
    group["scan_shape"] = np.asarray(start.shape, dtype="int32")
    for name in ("scan_command", "scan_fields", "start_time", "end_time"):
        group[name] = entry[name]
    _milliseconds(group, "scan_estimated_duration", estimated_duration_ms(start))
    _milliseconds(group, "duration", 0)
    _milliseconds(group, "scan_dead_time", 0)
    group["scan_dead_time_percent"] = np.float32(0.0)
    entry["duration"] = group["duration"]
    return ScanProgress(group, start)


def _milliseconds(group: h5py.Group, name: str, value: int) -> None:
    group[name] = np.int64(value)
    group[name].attrs["units"] = "ms"


def _per_point(group: h5py.Group, name: str, mirror: np.ndarray, fill: object) -> h5py.Dataset:
    if mirror.ndim == 0 or mirror.size == 0:
        return group.create_dataset(name, data=mirror)
    return group.create_dataset(name, shape=mirror.shape, dtype=mirror.dtype,
                                chunks=_scalar_chunks(mirror.shape), fillvalue=fill)
