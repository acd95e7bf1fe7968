"""The ``suspensions`` record of a scan file: when the scan was held, until when, before which
point and why (one row per suspension, appended while the scan runs).

``/entry1/suspensions`` (NXcollection) holds four 1-D datasets of equal length: ``start_time``
and ``end_time`` (ISO 8601; the end is the scan's end if it ended suspended), ``point`` (the
0-based index of the point taken, or retaken, after it) and ``reason``. They are created with
the layout, before SWMR starts, and only grow afterwards.
"""

from __future__ import annotations

import h5py
import numpy as np

from gda_bridge.core.documents import ScanResumed, ScanSuspended
from gda_bridge.nexus.layout import REASON_WIDTH, TIME_WIDTH, iso_time


class SuspensionRecord:
    """Appends suspensions to the file (writer thread only)."""

    def __init__(self, entry: h5py.Group) -> None:
        group = entry.create_group("suspensions")
        group.attrs["NX_class"] = "NXcollection"

        def column(name: str, dtype: str) -> h5py.Dataset:
            return group.create_dataset(name, shape=(0,), maxshape=(None,), chunks=(16,), dtype=dtype)

        self.start_time = column("start_time", f"S{TIME_WIDTH}")
        self.end_time = column("end_time", f"S{TIME_WIDTH}")
        self.point = column("point", "int64")
        self.reason = column("reason", f"S{REASON_WIDTH}")
        self.open = False
        self.dirty = False

    def apply(self, doc: ScanSuspended | ScanResumed) -> None:
        n = self.start_time.shape[0]
        if isinstance(doc, ScanSuspended):
            for dset in (self.start_time, self.end_time, self.point, self.reason):
                dset.resize((n + 1,))
            self.start_time[n] = np.bytes_(iso_time(doc.time).encode())
            self.point[n] = doc.index
            self.reason[n] = np.bytes_(doc.reason.encode()[:REASON_WIDTH])
            self.open = True
        elif self.open:
            self.end_time[n - 1] = np.bytes_(iso_time(doc.time).encode())
            self.open = False
        self.dirty = True

    def close_open(self, end: float) -> None:
        """The scan ended while suspended: its end ends the suspension."""
        if self.open:
            self.end_time[self.start_time.shape[0] - 1] = np.bytes_(iso_time(end).encode())
            self.open = False
