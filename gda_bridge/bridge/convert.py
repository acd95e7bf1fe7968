"""Conversions of positions and values between Python and Java.

Positions follow GDA: one field is a float, several fields a list. Frames (numpy arrays) are never
converted: they stay on the Python side and Java sees ``null`` in their place.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from numbers import Number
from typing import Any

import jpype
import numpy as np


@functools.cache
def _jdouble() -> Any:
    return jpype.JClass("java.lang.Double")


def to_java_position(value: Any) -> Any:
    """A Python position as Java sees it: Double, double[], Object[] or null."""
    if value is None:
        return None
    if isinstance(value, bool):
        return _jdouble()(float(value))
    if isinstance(value, Number):
        return _jdouble()(float(value))
    if isinstance(value, str):
        return jpype.JString(value)
    if isinstance(value, np.ndarray):
        if value.ndim == 0:
            return _jdouble()(float(value))
        if value.ndim == 1 and value.size <= 64 and value.dtype.kind in "fiub":
            return jpype.JArray(jpype.JDouble)(value.astype(float))
        return None
    if isinstance(value, Sequence):
        if all(isinstance(v, Number) and not isinstance(v, bool) for v in value):
            return jpype.JArray(jpype.JDouble)([float(v) for v in value])
        return jpype.JArray(jpype.JObject)([to_java_position(v) for v in value])
    if isinstance(value, jpype.JObject):
        return value
    raise TypeError(f"cannot pass {value!r} ({type(value).__name__}) to Java as a position")


def from_java(value: Any) -> Any:
    """A Java value as Python sees it: float, int, str, list or None."""
    # JPype's boxed numbers subclass Python's float and int; unbox them to plain Python values.
    if value is None or type(value) in (float, int, str, bool):
        return value
    if isinstance(value, jpype.JObject) and value.getClass().getName() == "java.lang.Boolean":
        return bool(value.booleanValue())
    if isinstance(value, float):
        return float(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, jpype.JArray):
        return [from_java(v) for v in value]
    return value


def to_names(value: Any) -> list[str]:
    """A list of field names from a Java String[], a tuple or a single string."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]
