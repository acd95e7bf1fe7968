"""What the live plot has of the running scan: the columns it draws, gathered point by point on
the scan thread (appends only) and copied out as a ``ScanView`` for each redraw."""

from __future__ import annotations

import dataclasses
import threading
from typing import Any

import numpy as np

from gda_bridge.analysis import ScanView, choose_y, numeric_or_none
from gda_bridge.core.documents import ScanPoint, ScanStart


class LiveData:
    """One scan's drawn columns: x and y, the grid indices, and a frame column's last frame and
    per-point totals."""

    def __init__(self, start: ScanStart) -> None:
        # metadata may hold anything (device snapshots); the plot needs none of it, and the window
        # process is sent a pickled copy
        self.start = dataclasses.replace(start, metadata={})
        self.y_column = choose_y(start, None)
        self.x_column = start.axes(0)[0] if len(start.shape) == 1 and start.axes(0) else None
        self.columns = tuple(c for c in (self.x_column, self.y_column) if c is not None)
        self.frame_columns = tuple(f.column for d in start.devices for f in d.fields if f.shape != ())
        self.values: dict[str, list[Any]] = {c: [] for c in self.columns}
        self.indices: list[tuple[int, ...]] = []
        self.frames: dict[str, np.ndarray] = {}
        self.totals: dict[str, list[float]] = {c: [] for c in self.frame_columns}
        self.done = False
        self._lock = threading.Lock()

    def add(self, point: ScanPoint) -> None:
        with self._lock:
            for c in self.columns:
                self.values[c].append(point.data.get(c))
            for c in self.frame_columns:
                value = point.data.get(c)
                if isinstance(value, np.ndarray) and value.ndim >= 1 and value.dtype.kind in "biuf":
                    self.frames[c] = value
                    self.totals[c].append(float(np.nansum(value)))
                else:
                    self.totals[c].append(np.nan)
            self.indices.append(point.indices)

    def view(self) -> ScanView:
        """A copy of the points so far."""
        with self._lock:
            values = {c: list(v) for c, v in self.values.items()}
            indices = list(self.indices)
            frames = dict(self.frames)
            totals = {c: list(t) for c, t in self.totals.items()}
        numeric = {}
        for c, v in values.items():
            arr = np.empty(len(v), dtype=object)
            arr[:] = v
            as_float = numeric_or_none(arr)
            if as_float is not None:
                numeric[c] = as_float
        index_array = np.asarray(indices, dtype=int).reshape(len(indices), len(self.start.shape))
        return ScanView(self.start, numeric, index_array, self.y_column, self.x_column, frames, totals)
