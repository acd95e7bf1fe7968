"""Synthetic data and hand-built scan documents for the analysis tests."""

from __future__ import annotations

import math
import uuid
from collections.abc import Sequence

import numpy as np
from scipy.special import erf

from gda_bridge.core.documents import (
    DeviceDescription,
    Document,
    FieldDescription,
    ScanPoint,
    ScanStart,
    ScanStatus,
    ScanStop,
)

FWHM_PER_SIGMA = 2.0 * math.sqrt(2.0 * math.log(2.0))


def gaussian(x, pos, fwhm, height, offset):
    return offset + height * np.exp(-4.0 * math.log(2.0) * ((np.asarray(x) - pos) / fwhm) ** 2)


def step(x, pos, fwhm, height, offset):
    sigma = fwhm / FWHM_PER_SIGMA
    return offset + 0.5 * height * (1.0 + erf((np.asarray(x) - pos) / (math.sqrt(2.0) * sigma)))


def noisy(y, seed, scale=1.0):
    """Poisson-like noise: sigma = scale * sqrt(|y| + 1)."""
    rng = np.random.default_rng(seed)
    return y + rng.normal(0.0, scale * np.sqrt(np.abs(y) + 1.0))


def scannable(name, dimension=0, fmt="%6.4f", extras=()):
    fields = (FieldDescription(name, name, name, "input", fmt),) + tuple(
        FieldDescription(e, e, name, "extra", "%5.5g") for e in extras
    )
    return DeviceDescription(name, "scannable", fields, dimension=dimension)


def detector(name, fields=None, shapes=None):
    names = fields or (name,)
    shapes = shapes or [()] * len(names)
    return DeviceDescription(
        name,
        "detector",
        tuple(
            FieldDescription(f, f, name, "extra", "%5.5g", shape=s)
            for f, s in zip(names, shapes, strict=True)
        ),
    )


def start_doc(devices, shape, *, metadata=None, command="scan", scan_number=1):
    return ScanStart(
        uid=str(uuid.uuid4()),
        scan_number=scan_number,
        command=command,
        shape=tuple(shape),
        devices=tuple(devices),
        time=0.0,
        metadata=dict(metadata or {}),
    )


def one_d(
    x: Sequence[float],
    columns: dict[str, Sequence],
    *,
    devices=None,
    metadata=None,
    status=ScanStatus.COMPLETED_OKAY,
    scan_number=1,
) -> list[Document]:
    """A 1-D scan of scannable ``x`` with a one-field detector per entry of ``columns``."""
    devices = devices or [scannable("x")] + [detector(name) for name in columns]
    start = start_doc(devices, (len(x),), metadata=metadata, command="scan x ...", scan_number=scan_number)
    docs: list[Document] = [start]
    for i, xi in enumerate(x):
        data = {"x": float(xi)} | {c: v[i] for c, v in columns.items()}
        docs.append(ScanPoint(start.uid, i, (i,), float(i), data))
    docs.append(ScanStop(start.uid, status, len(x), 1.0))
    return docs


def grid(nx=3, ny=4) -> list[Document]:
    start = start_doc([scannable("y", 0), scannable("x", 1), detector("det")], (ny, nx))
    docs: list[Document] = [start]
    k = 0
    for j in range(ny):
        for i in range(nx):
            docs.append(
                ScanPoint(start.uid, k, (j, i), 0.0, {"y": float(j), "x": float(i), "det": float(i * j)})
            )
            k += 1
    docs.append(ScanStop(start.uid, ScanStatus.COMPLETED_OKAY, k, 1.0))
    return docs
