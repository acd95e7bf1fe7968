"""``[[suspenders]]`` tables of a beamline configuration, checked into plain specifications.

The session makes the watchers from them (EPICS lives above this layer); a mistake is one line
naming the table and the key.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from gda_bridge.core.suspenders import Threshold

_CONDITIONS = ("below", "above", "equals", "not_equals")
_KEYS = {"name", "pv", "device", "disconnect", "units", "resume_after", "max_suspend", *_CONDITIONS}
#: Which parameter of a device's table holds the PV a suspender naming the device watches.
_PV_PARAMS = ("pv", "readback", "setpoint")


@dataclass(frozen=True)
class SuspenderSpec:
    """A PV's condition (``pv`` and ``threshold``) or, with ``disconnect``, the IOCs of a scan's devices."""

    name: str
    pv: str | None = None
    disconnect: bool = False
    threshold: Threshold | None = None
    units: str | None = None
    resume_after: float = 0.0
    max_suspend: float | None = None


def _seconds(table: dict[str, Any], key: str, default: float | None) -> float | None:
    value = table.get(key, default)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ValueError(f"{key} must be a number of seconds >= 0, not {value!r}")
    if key == "max_suspend" and value == 0:
        raise ValueError("max_suspend must be > 0 s (leave it out for no limit)")
    return float(value)


def _device_pv(name: str, devices: Sequence[Any]) -> str:
    for spec in devices:
        if spec.name == name:
            for key in _PV_PARAMS:
                if isinstance(spec.params.get(key), str):
                    return spec.params[key]
            raise ValueError(f"device {name!r} ({spec.driver}) has no {'/'.join(_PV_PARAMS)} to watch")
    raise ValueError(f"device {name!r} is not in [devices]")


def parse_suspender(table: Any, devices: Sequence[Any]) -> SuspenderSpec:
    """One ``[[suspenders]]`` table; ``devices`` are the configuration's DeviceSpecs (for
    ``device = "name"``). Raises ValueError naming the problem."""
    if not isinstance(table, dict):
        raise ValueError("must be a table")
    unknown = set(table) - _KEYS
    if unknown:
        raise ValueError(f"unknown key(s) {', '.join(sorted(unknown))} (known: {', '.join(sorted(_KEYS))})")
    sources = [k for k in ("pv", "device", "disconnect") if table.get(k) not in (None, False)]
    if len(sources) != 1:
        raise ValueError("needs exactly one of pv = \"...\", device = \"...\", disconnect = true"
                         + (f" (got {', '.join(sources)})" if sources else ""))
    resume_after = _seconds(table, "resume_after", 0.0) or 0.0
    max_suspend = _seconds(table, "max_suspend", None)
    conditions = {k: table[k] for k in _CONDITIONS if k in table}
    if sources == ["disconnect"]:
        if table["disconnect"] is not True:
            raise ValueError(f"disconnect must be true, not {table['disconnect']!r}")
        if conditions or "units" in table:
            raise ValueError(f"disconnect = true takes no {', '.join([*conditions, *(['units'] if 'units' in table else [])])}")
        return SuspenderSpec(str(table.get("name", "IOC connection")), disconnect=True,
                             resume_after=resume_after, max_suspend=max_suspend)
    for key in ("below", "above"):
        if key in conditions and (isinstance(conditions[key], bool) or not isinstance(conditions[key], int | float)):
            raise ValueError(f"{key} must be a number, not {conditions[key]!r}")
    try:
        threshold = Threshold(**conditions)
    except ValueError as exc:
        raise ValueError(str(exc)) from None
    if "pv" in sources:
        pv = str(table["pv"])
        name = str(table.get("name", pv))
    else:
        pv = _device_pv(str(table["device"]), devices)
        name = str(table.get("name", table["device"]))
    units = table.get("units")
    return SuspenderSpec(name, pv=pv, threshold=threshold, units=None if units is None else str(units),
                         resume_after=resume_after, max_suspend=max_suspend)
