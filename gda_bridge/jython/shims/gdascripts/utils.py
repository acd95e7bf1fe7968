"""gdascripts.utils: frange and small printing helpers."""

from collections.abc import Iterable
from typing import Any

from gda_bridge.scans.context import context


def frange(start: float, end: float, step: float) -> list[float]:
    """Floats from start to end inclusive (within step/1e6), stepping towards end."""
    start, end, step = float(start), float(end), float(step)
    span = abs(end - start)
    if span == 0:
        return [start]
    step = abs(step) * (end - start) / span
    if abs(span / step) > 1e6:
        raise ValueError(f"frange({start}, {end}, {step}): too many points in the list")
    out = [start]
    while abs(out[-1] + step - start) - abs(step / 1e6) <= span:
        out.append(out[-1] + step)
    return out


def listprint(items: Iterable[Any]) -> None:
    """Print each element on its own line."""
    for item in items:
        context().output(str(item))
