"""Scan documents built by hand (no JVM, no devices): what the engine would emit."""

from __future__ import annotations

import dataclasses
import itertools
import time
import zlib
from collections.abc import Iterator
from typing import Any

import numpy as np

from gda_bridge.core.documents import (
    DeviceDescription,
    FieldDescription,
    ScanPoint,
    ScanStart,
    ScanStatus,
    ScanStop,
)


def motor(name: str, dimension: int | None = 0, *, fields: tuple[str, ...] | None = None,
          extras: tuple[str, ...] = (), role: str = "scannable", units: str | None = "mm",
          limits: tuple[float, float] | None = (-100.0, 100.0)) -> DeviceDescription:
    inputs = fields or (name,)
    fs = tuple(
        FieldDescription(f, f, name, "input", units=units,
                         lower_limit=limits[0] if limits else None, upper_limit=limits[1] if limits else None)
        for f in inputs
    ) + tuple(FieldDescription(f, f, name, "extra", units=units) for f in extras)
    return DeviceDescription(name, role, fs, dimension=dimension if role == "scannable" else None)  # type: ignore[arg-type]


def counter(name: str, fields: tuple[str, ...] = ("counts",), dtype: str = "float64") -> DeviceDescription:
    fs = tuple(FieldDescription(f, f if len(fields) > 1 or f != "counts" else name, name, "input",
                                dtype=dtype, units="counts") for f in fields)
    return DeviceDescription(name, "detector", fs, collection_time=0.1)


def camera(name: str, shape: tuple[int, int] | None, dtype: str | None = "uint16") -> DeviceDescription:
    return DeviceDescription(
        name, "detector",
        (FieldDescription("data", f"{name}.data", name, "input", shape=shape, dtype=dtype),),
        collection_time=0.01,
    )


def demand(col: str, i: int) -> float:
    """The demand every test expects at index ``i`` of a moved field's dimension: not a value()."""
    return i * 0.5 - zlib.crc32(col.encode()) % 5


def with_demands(d: DeviceDescription, shape: tuple[int, ...]) -> DeviceDescription:
    """A moved scannable as the runner describes it: its input fields carry their demands."""
    if d.role != "scannable" or d.dimension is None or d.dimension >= len(shape):
        return d
    n = shape[d.dimension]
    fields = tuple(
        dataclasses.replace(f, demands=tuple(demand(f.column, i) for i in range(n))) if f.role == "input" else f
        for f in d.fields
    )
    return dataclasses.replace(d, fields=fields)


def start(shape: tuple[int, ...], devices: list[DeviceDescription], command: str = "scan",
          metadata: dict[str, Any] | None = None, scan_number: int | None = None,
          demands: bool = True) -> ScanStart:
    """``demands=False``: the scannables carry no demands (a stream from before they did)."""
    described = tuple(with_demands(d, shape) if demands else d for d in devices)
    return ScanStart("uid-" + command.replace(" ", "_"), scan_number, command, shape, described,
                     time.time(), metadata or {})


def value(col: str, idx: tuple[int, ...]) -> float:
    """The value every test expects at a point: unique per column and position."""
    return float(sum((i + 1) * 10 ** (2 * k) for k, i in enumerate(idx))) + (zlib.crc32(col.encode()) % 97) / 100


def frame(idx: tuple[int, ...], shape: tuple[int, int], dtype: str = "uint16") -> np.ndarray:
    seed = sum((i + 1) * 7919 ** k for k, i in enumerate(idx))
    rng = np.random.default_rng(seed)
    return rng.poisson(40, shape).astype(dtype)


def points(s: ScanStart, limit: int | None = None) -> Iterator[ScanPoint]:
    """Points in raster order with values from value()/frame()."""
    for n, idx in enumerate(itertools.product(*(range(k) for k in s.shape))):
        if limit is not None and n >= limit:
            return
        data: dict[str, Any] = {}
        for d in s.devices:
            for f in d.fields:
                if f.shape in ((), None) and f.dtype != "uint16" and not (f.shape is None and d.role == "detector"):
                    data[f.column] = value(f.column, idx)
                else:
                    shape = f.shape or (6, 5)
                    data[f.column] = frame(idx, shape, f.dtype or "uint16")
        yield ScanPoint(s.uid, n, idx, time.time(), data)


def stop(s: ScanStart, n: int, status: ScanStatus = ScanStatus.COMPLETED_OKAY, reason: str | None = None) -> ScanStop:
    return ScanStop(s.uid, status, n, time.time(), reason)


def run(writer, s: ScanStart, limit: int | None = None, status: ScanStatus = ScanStatus.COMPLETED_OKAY,
        reason: str | None = None) -> int:
    writer(s)
    n = 0
    for p in points(s, limit):
        writer(p)
        n += 1
    writer(stop(s, n, status, reason))
    return n


def gda_counter(name: str, units: str | None = "counts") -> DeviceDescription:
    """A detector as the engine describes one with no input or extra names (GDA's generic
    detector): one field named after the detector."""
    return DeviceDescription(name, "detector", (FieldDescription(name, name, name, "input", units=units),),
                             collection_time=0.1)
