"""``import scisoftpy as dnp``: the part of GDA's numpy stand-in that scripts use, over numpy.

Loaded as the top-level module ``scisoftpy`` by ``gda_bridge.jython.importer.ShimFinder`` (a real
scisoftpy on ``sys.path`` wins). Arrays are numpy arrays (``dnp.ndarray`` is ``numpy.ndarray``);
``dnp.fit`` fits with scipy, ``dnp.io.load`` reads NeXus and SRS files, ``dnp.plot`` draws with
matplotlib. Anything else fails with an AttributeError naming it (see docs/jython.md).
"""

from __future__ import annotations

import builtins as _builtins
from typing import Any

import numpy as _np
from numpy import (  # noqa: F401 - the module's API
    abs,
    absolute,
    all,
    allclose,
    any,
    arange,
    arccos,
    arcsin,
    arctan,
    arctan2,
    argmax,
    argmin,
    argsort,
    around,
    array,
    asarray,
    average,
    bool_,
    ceil,
    clip,
    complex64,
    complex128,
    concatenate,
    cos,
    cosh,
    cross,
    cumprod,
    cumsum,
    deg2rad,
    degrees,
    diff,
    dot,
    e,
    empty,
    exp,
    eye,
    fabs,
    flatnonzero,
    float32,
    float64,
    floor,
    fmod,
    gradient,
    hstack,
    hypot,
    identity,
    int8,
    int16,
    int32,
    int64,
    interp,
    isclose,
    isfinite,
    isinf,
    isnan,
    linspace,
    log,
    log2,
    log10,
    logspace,
    max,
    maximum,
    mean,
    median,
    meshgrid,
    min,
    minimum,
    nan,
    nanargmax,
    nanargmin,
    nanmax,
    nanmin,
    nonzero,
    ones,
    ones_like,
    outer,
    pi,
    power,
    prod,
    ptp,
    rad2deg,
    radians,
    ravel,
    reshape,
    rint,
    round,
    sign,
    sin,
    sinh,
    sort,
    sqrt,
    square,
    squeeze,
    stack,
    std,
    sum,
    tan,
    tanh,
    tile,
    transpose,
    trapezoid,
    uint8,
    uint16,
    uint32,
    uint64,
    unique,
    var,
    vstack,
    where,
    zeros,
    zeros_like,
)
from numpy import inf as inf  # noqa: F401
from numpy import ndarray as ndarray  # noqa: F401
from numpy import random as random  # noqa: F401

float = float64  # noqa: A001 - scisoftpy's names of its dataset types
int = int32  # noqa: A001
bool = bool_  # noqa: A001
complex = complex128  # noqa: A001


def asIterable(items: Any) -> Any:
    """A list, tuple or array as it is; anything else in a list (scisoftpy's helper)."""
    if isinstance(items, list | tuple | _np.ndarray):
        return items
    return [items]


def toList(items: Any) -> list[Any]:
    """A list of ``items`` (a copy of a list or tuple; ``[items]`` otherwise)."""
    if isinstance(items, list | tuple):
        return list(items)
    return [items]


def asDataset(data: Any, dtype: Any = None) -> _np.ndarray:
    return _np.asarray(data, dtype=dtype)


def residual(a: Any, b: Any, weight: Any = None) -> _builtins.float:
    """Sum of the squared differences of ``a`` and ``b``, each multiplied by ``weight``."""
    d = _np.square(_np.asarray(a, dtype=float64) - _np.asarray(b, dtype=float64))
    if weight is not None:
        d = d * _np.asarray(weight, dtype=float64)
    return _builtins.float(_np.sum(d))


from . import fit, io, plot  # noqa: E402, F401 - dnp.fit, dnp.io, dnp.plot

__all__ = [n for n in dir() if not n.startswith("_") and n not in ("Any", "annotations")]


def __getattr__(name: str) -> Any:
    if name.startswith("__"):
        raise AttributeError(name)
    raise AttributeError(
        f"scisoftpy.{name} is not provided by gda-bridge's scisoftpy (arrays, fit, io.load and plot "
        "over numpy); use numpy or scipy directly, see docs/jython.md"
    )
