"""The positions a user gives a command, checked and put in the one form the engine takes.

After a scannable with k input fields a scan takes either one *list of positions* (a tuple, as in
GDA; or, as numpy users write it, a list or 1-D array of numbers when k == 1, a list of k-lists
or an (n, k) array when k > 1), or *single positions* (a fixed position, start, stop, step): a
number when k == 1 (``[v]`` too, as GDA allows), k numbers when k > 1. Anything else is one
ScanSyntaxError naming the command, the device and the value: nothing given is dropped or read
in part. The forms handed on: a float (or text) for one field, a list of floats for k fields,
a tuple of those for a list of positions.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from numbers import Real
from typing import Any

import numpy as np

from gda_bridge import bridge
from gda_bridge.commands import devices as dev
from gda_bridge.core.errors import ScanSyntaxError

SHOWN_ITEMS = 8
"""Items of a long list or array shown in an error message."""

_START_STOP_STEP = {2: ("start", "step"), 3: ("start", "stop", "step")}


@dataclass
class Group:
    """A device and the values that follow it on the command line."""

    device: Any
    values: list[Any] = field(default_factory=list)


def groups(args: Sequence[Any], command: str) -> list[Group]:
    out: list[Group] = []
    for a in args:
        if dev.is_scannable(a):
            out.append(Group(a))
        elif not out:
            raise ScanSyntaxError(f"{command}: the first argument must be a scannable, not {show(a)}")
        else:
            out[-1].values.append(a)
    return out


def flatten(found: list[Group]) -> list[Any]:
    return [x for g in found for x in (g.device, *g.values)]


def show(value: Any) -> str:
    """A value as a user typed it (lists and arrays as ``[a, b, ...]``, at most a few items)."""
    if isinstance(value, np.ndarray):
        if value.ndim == 0:
            return show(value.item())
        return show(value[:SHOWN_ITEMS + 1].tolist() if value.ndim == 1 else value.tolist())
    if isinstance(value, np.generic):
        return show(value.item())
    if isinstance(value, (list, tuple)):
        items = [show(v) for v in value[:SHOWN_ITEMS]]
        if len(value) > SHOWN_ITEMS:
            items.append("...")
        if isinstance(value, tuple):
            return "(" + ", ".join(items) + ("," if len(value) == 1 else "") + ")"
        return "[" + ", ".join(items) + "]"
    if isinstance(value, float):
        return f"{value:g}"
    return repr(value)


def input_names(device: Any) -> list[str]:
    return bridge.to_names(device.getInputNames())


def _is_number(value: Any) -> bool:
    return isinstance(value, Real)


def _as_python(value: Any, command: str, name: str) -> Any:
    """numpy arrays and scalars as Python lists and numbers (arrays: numeric, at most 2-D)."""
    if isinstance(value, np.generic):
        return value.item()
    if not isinstance(value, np.ndarray):
        return value
    if value.ndim == 0:
        return value.item()
    if value.dtype.kind not in "biuf":
        raise ScanSyntaxError(f"{command}: {name}: array {show(value)} of {value.dtype}: its values are not numbers")
    if value.ndim > 2:
        raise ScanSyntaxError(
            f"{command}: {name}: a {value.ndim}-D array (shape {value.shape}) is neither a position nor a list "
            "of positions"
        )
    return value.tolist()


def _finite(value: Any, command: str, name: str, what: str) -> float:
    number = float(value)
    if not math.isfinite(number):
        raise ScanSyntaxError(f"{command}: {name}: {what} {show(value)} is not a finite number")
    return number


def _fields(names: list[str]) -> str:
    return f"{len(names)} values per position ({', '.join(names)})"


def _single(device: Any, names: list[str], value: Any, command: str, what: str) -> Any:
    """One position of ``device``: a float or text for one field, a list of floats for several."""
    name = dev.name_of(device)
    shape = value.shape if isinstance(value, np.ndarray) else None
    value = _as_python(value, command, name)
    k = len(names)
    if isinstance(value, str):
        if what != "position" or k > 1:
            raise ScanSyntaxError(f"{command}: {name}: {what} {value!r} is not a number")
        return value
    if _is_number(value):
        if k > 1:
            raise ScanSyntaxError(f"{command}: {name} takes {_fields(names)}; {what} {show(value)} is one")
        return _finite(value, command, name, what)
    if isinstance(value, (list, tuple)):
        if shape is not None and len(shape) == 2:
            raise ScanSyntaxError(f"{command}: {name}: {what}: an array of shape {shape} is not one position")
        if k == 1:
            if len(value) == 1:
                return _single(device, names, value[0], command, what)
            raise ScanSyntaxError(
                f"{command}: {name}: {what} {show(value)} holds {len(value)} positions, but {what} is one value "
                f"(a list of positions must be the only value after {name})"
            )
        if len(value) != k:
            raise ScanSyntaxError(f"{command}: {name} takes {_fields(names)}; {show(value)} has {len(value)}")
        out = []
        for v in value:
            v = _as_python(v, command, name)
            if not _is_number(v):
                raise ScanSyntaxError(f"{command}: {name}: {show(value)} holds {show(v)}, which is not a number")
            out.append(_finite(v, command, name, what))
        return out
    if value is None:
        raise ScanSyntaxError(f"{command}: {name}: None is not a position")
    raise ScanSyntaxError(f"{command}: {name}: {what} {show(value)} ({type(value).__name__}) is not a position")


def _position_list(device: Any, names: list[str], value: Any, command: str) -> tuple[Any, ...] | None:
    """``value`` as a list of positions of ``device``, or None when it is a single position."""
    name = dev.name_of(device)
    if isinstance(value, tuple):
        if not value:
            raise ScanSyntaxError(f"{command}: {name}: {show(value)} has no positions")
        return tuple(_single(device, names, v, command, "position") for v in value)
    fast = _numeric_rows(value, len(names))
    if fast is not None:
        bad = ~np.isfinite(fast)
        if bad.any():
            raise ScanSyntaxError(
                f"{command}: {name}: {show(value)} holds {show(fast[bad][0])}, which is not a finite number"
            )
        return tuple(fast[:, 0].tolist() if len(names) == 1 else fast.tolist())
    shape = value.shape if isinstance(value, np.ndarray) else None
    items = _as_python(value, command, name)
    if not isinstance(items, list):
        return None
    if not items:
        raise ScanSyntaxError(f"{command}: {name}: {show(value)} has no positions")
    nested = [isinstance(_as_python(v, command, name), (list, tuple)) for v in items]
    if len(names) > 1 and not any(nested):
        return None  # k numbers: one position
    if any(nested) and not all(nested):
        odd = next(v for v, n in zip(items, nested, strict=True) if n != (len(names) > 1))
        raise ScanSyntaxError(
            f"{command}: {name} takes {_fields(names) if len(names) > 1 else 'one value per position'}; "
            f"{show(value)} holds {show(odd)}"
        )
    if shape is not None and len(shape) == 2 and shape[1] != len(names):
        raise ScanSyntaxError(
            f"{command}: {name} takes {_fields(names)}; an array of shape {shape} has rows of {shape[1]}"
        )
    out = []
    for v in items:
        if len(names) == 1 and isinstance(v, list) and len(v) != 1:
            raise ScanSyntaxError(f"{command}: {name} takes one value per position; {show(value)} holds {show(v)}")
        position = _single(device, names, v, command, "position") if not isinstance(v, float) else v
        if isinstance(position, float) and not math.isfinite(position):
            raise ScanSyntaxError(
                f"{command}: {name}: {show(value)} holds {show(position)}, which is not a finite number"
            )
        out.append(position)
    return tuple(out)


def _numeric_rows(value: Any, k: int) -> np.ndarray | None:
    """A numeric array that is plainly a list of positions, as (n, k) floats (the quick path for
    long arrays); None for anything else."""
    if not isinstance(value, np.ndarray) or value.dtype.kind not in "biuf" or value.size == 0:
        return None
    if value.ndim == 1 and k == 1:
        return value.astype("float64").reshape(-1, 1)
    if value.ndim == 2 and value.shape[1] == k:
        return value.astype("float64")
    return None


def _detector_values(device: Any, values: list[Any], command: str) -> list[Any]:
    name = dev.name_of(device)
    if not values:
        return []
    time = _as_python(values[0], command, name)
    if len(values) > 1 or not _is_number(time):
        got = " ".join(show(v) for v in values)
        raise ScanSyntaxError(
            f"{command}: detector {name} takes at most one number (its collection time), got {got}"
        )
    return [_finite(time, command, name, "collection time")]


def scan_arguments(args: Sequence[Any], command: str) -> list[Any]:
    """The arguments of a ConcurrentScan-grammar command, every position checked and in the
    engine's form (see the module docstring)."""
    out: list[Any] = []
    for g in groups(args, command):
        out.append(g.device)
        out.extend(_values(g.device, g.values, command))
    return out


def _values(device: Any, values: list[Any], command: str) -> list[Any]:
    if dev.is_detector(device):
        return _detector_values(device, values, command)
    names = input_names(device)
    if not names or not values:
        return list(values)
    if len(values) == 1:
        positions = _position_list(device, names, values[0], command)
        if positions is not None:
            return [positions]
        return [_single(device, names, values[0], command, "position")]
    whats = _START_STOP_STEP.get(len(values))
    if whats is None:
        raise ScanSyntaxError(
            f"{command}: {dev.name_of(device)} is followed by {len(values)} values "
            f"{' '.join(show(v) for v in values)}; expected at most 3 (start stop step)"
        )
    return [_single(device, names, v, command, what) for v, what in zip(values, whats, strict=True)]


def single_position(device: Any, value: Any, command: str, what: str) -> Any:
    """One position (start, step, halfwidth...) of a scannable, checked as a scan checks it."""
    return _single(device, input_names(device), value, command, what)


def move_target(device: Any, value: Any, command: str) -> Any:
    """The target (or step) of pos/inc for ``device``: one value per input field, exactly; None
    for a field that is not to move, text for a text position."""
    if dev.is_detector(device):
        return value
    names = input_names(device)
    if not names:
        return value
    name = dev.name_of(device)
    if isinstance(value, np.ndarray) and value.ndim > 1:
        raise ScanSyntaxError(f"{command}: {name}: an array of shape {value.shape} is not a position")
    value = _as_python(value, command, name)
    k = len(names)
    if isinstance(value, (list, tuple)):
        if k == 1 and len(value) == 1:
            return move_target(device, value[0], command)
        if k == 1:
            raise ScanSyntaxError(
                f"{command}: {name} takes one value; {show(value)} has {len(value)} "
                f"(to visit several positions, scan {name} through them)"
            )
        if len(value) != k:
            raise ScanSyntaxError(f"{command}: {name} takes {k} values ({', '.join(names)}); {show(value)} has {len(value)}")
        return [v if v is None or isinstance(v, str) else _field_value(v, command, name, value) for v in value]
    if k > 1:
        raise ScanSyntaxError(f"{command}: {name} takes {k} values ({', '.join(names)}); {show(value)} is one")
    if isinstance(value, str):
        return value
    if _is_number(value):
        return _finite(value, command, name, "position")
    raise ScanSyntaxError(f"{command}: {name}: {show(value)} ({type(value).__name__}) is not a position")


def _field_value(v: Any, command: str, name: str, whole: Any) -> float:
    v = _as_python(v, command, name)
    if not _is_number(v):
        raise ScanSyntaxError(f"{command}: {name}: {show(whole)} holds {show(v)}, which is not a number")
    number = float(v)
    if not math.isfinite(number):
        raise ScanSyntaxError(f"{command}: {name}: {show(whole)} holds {show(v)}, which is not a finite number")
    return number
