"""A scan's columns as the processors and plots take them: the y column, numeric arrays, XYData."""

from __future__ import annotations

from typing import Any

import numpy as np

from gda_bridge.analysis._results import DeviceColumns, XYData
from gda_bridge.core.documents import ScanStart


def choose_y(start: ScanStart, detector: str | None) -> str | None:
    """The y column: ``detector`` (a column, or a device's last scalar column), else the last scalar
    detector column, else the last scalar column that is not a scanned axis."""
    scalar = {f.column for d in start.devices for f in d.fields if f.shape in ((), None)}
    if detector is not None:
        if detector in scalar:
            return detector
        fields = [
            f.column for d in start.devices if d.name == detector for f in d.fields if f.column in scalar
        ]
        return fields[-1] if fields else None
    dets = [c for c in start.detector_columns() if c in scalar]
    if dets:
        return dets[-1]
    axes = {c for dim in range(len(start.shape)) for c in start.axes(dim)}
    others = [c for c in start.columns if c in scalar and c not in axes]
    return others[-1] if others else None


def to_arrays(values: dict[str, list[Any]]) -> dict[str, np.ndarray]:
    out = {}
    for c, vals in values.items():
        try:
            out[c] = np.asarray(vals)
        except ValueError:  # ragged arrays
            arr = np.empty(len(vals), dtype=object)
            arr[:] = vals
            out[c] = arr
    return out


def numeric_or_none(a: np.ndarray) -> np.ndarray | None:
    """``a`` as floats (a missing value, ``None``, becomes NaN), or None if it is not numbers."""
    if a.ndim != 1:
        return None
    if a.dtype == object:
        a = np.array([np.nan if v is None else v for v in a], dtype=object)
    try:
        return a.astype(float)
    except (TypeError, ValueError):
        return None


def numeric_columns(columns: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The 1-D columns that are numbers, as floats."""
    return {c: v for c, a in columns.items() if (v := numeric_or_none(a)) is not None}


def xy_data(start: ScanStart, x_column: str, y_column: str, numeric: dict[str, np.ndarray]) -> XYData | None:
    if x_column not in numeric or y_column not in numeric:
        return None
    devices = []
    axis = None
    for d in start.devices:
        fields = [f for f in d.fields if f.column in numeric]
        if not fields:
            continue
        dc = DeviceColumns(
            d.name,
            tuple(f.column for f in fields if f.role == "input"),
            tuple(f.column for f in fields),
            tuple(f.format for f in fields),
        )
        devices.append(dc)
        if x_column in dc.inputs:
            axis = dc
    if axis is None:
        return None
    return XYData(
        numeric[x_column],
        numeric[y_column],
        x_column,
        y_column,
        axis,
        tuple(devices),
        numeric,
    )
