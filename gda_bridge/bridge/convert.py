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

from gda_bridge.core.errors import DeviceError


@functools.cache
def _jdouble() -> Any:
    return jpype.JClass("java.lang.Double")


def to_java_position(value: Any) -> Any:
    """A Python position as Java sees it: Double, double[], Object[] or null.

    A plain float is handed over as it is: JPype makes it a java.lang.Double wherever Java takes
    an Object, ~6x cheaper than building the Double here (this runs for every device at every
    point).
    """
    kind = type(value)
    if kind is float:
        return value
    if kind is int:
        return float(value)
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


def to_java_target(value: Any, device: str) -> Any:
    """A move target for a Java device: as to_java_position, but a value that would reach Java as
    null (an array too large or of another kind to be a position) is refused, naming the device."""
    converted = to_java_position(value)
    if converted is None and value is not None:
        shape = getattr(value, "shape", None)
        raise DeviceError(f"{device}: {type(value).__name__} of shape {shape} is not a position "
                          "(a target takes one number per input field)")
    return converted


@functools.cache
def _unboxers() -> dict[type, Any]:
    unbox: dict[type, Any] = {float: None, int: None, str: None, bool: None, type(None): None}
    for name in ("java.lang.Double", "java.lang.Float"):
        unbox[jpype.JClass(name)] = float
    for name in ("java.lang.Integer", "java.lang.Long", "java.lang.Short", "java.lang.Byte"):
        unbox[jpype.JClass(name)] = int
    unbox[jpype.JClass("java.lang.Boolean")] = lambda v: bool(v.booleanValue())
    unbox[jpype.JClass("java.lang.String")] = str
    return unbox


def from_java(value: Any) -> Any:
    """A Java value as Python sees it: float, int, bool, str, list or None."""
    unbox = _unboxers()
    kind = type(value)
    if kind in unbox:
        convert = unbox[kind]
        return value if convert is None else convert(value)
    if isinstance(value, jpype.JArray):
        return [from_java(v) for v in value[:]]
    return value


def to_names(value: Any) -> list[str]:
    """A list of field names from a Java String[], a tuple or a single string."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]
