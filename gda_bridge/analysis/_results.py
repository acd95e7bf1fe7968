"""Results as a user sees them (bound in the namespace, printed after the scan) and as a file keeps
them (``ProcessResult``, written as an NXprocess group by the NeXus writer)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

import gda_bridge
from gda_bridge.analysis._processors import Outcome
from gda_bridge.core.errors import GdaBridgeError

PROGRAM = "gda_bridge.analysis"


class AnalysisError(GdaBridgeError, ValueError):
    """A request the analysis cannot satisfy, e.g. ``go peak`` when no peak was found."""


@dataclass(frozen=True)
class ProcessResult:
    """One processor's (or hook's) results for the scan file: plain data, no numpy, no h5py.

    ``results`` maps a label to a number, or holds ``{"message": ...}`` when nothing was found.
    """

    processor: str
    program: str
    version: str
    inputs: dict[str, str | int | float]
    results: dict[str, float | str]


@dataclass(frozen=True)
class DeviceColumns:
    """A device's scalar columns in the scan, for locating it at a feature."""

    name: str
    inputs: tuple[str, ...]
    fields: tuple[str, ...]
    formats: tuple[str, ...]


@dataclass(frozen=True)
class XYData:
    """The x and y a scan's processors run on, and every scalar column for ``scn``/``field``.

    ``devices`` must include ``axis``; ``columns`` holds every column of ``devices``.
    """

    x: np.ndarray
    y: np.ndarray
    x_column: str
    y_column: str
    axis: DeviceColumns
    devices: tuple[DeviceColumns, ...] = ()
    columns: dict[str, np.ndarray] = field(default_factory=dict)

    def value_at(self, column: str, xvalue: float) -> float:
        """``column`` at ``x == xvalue``: interpolated inside the scan, else its first/last value."""
        if column == self.x_column:
            return float(xvalue)
        col = np.asarray(self.columns[column], dtype=float)
        order = np.argsort(self.x, kind="stable")
        xs, cs = self.x[order], col[order]
        if xs[0] <= xvalue <= xs[-1]:
            return float(np.interp(xvalue, xs, cs))
        return float(cs[0] if xvalue < xs[0] else cs[-1])


class Struct:
    """An attribute bag that keeps its order and prints one ``name = value`` line per entry."""

    def __init__(self, items: dict[str, object] | None = None) -> None:
        self._names: list[str] = []
        for k, v in (items or {}).items():
            self._add(k, v)

    def _add(self, name: str, value: object) -> None:
        self.__dict__[name] = value
        self._names.append(name)

    def __getitem__(self, name: str) -> object:
        return self.__dict__[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __contains__(self, name: object) -> bool:
        return name in self._names

    def __repr__(self) -> str:
        return "".join(f"{n} = {self.__dict__[n]!r}\n" for n in self._names)


def _fmt(value: object, fmt: str = "%.5g") -> str:
    if value is None:
        return "None"
    try:
        return (fmt % value).strip()
    except (TypeError, ValueError):
        return repr(value)


class ScanDataProcessorResult:
    """GDA's result object, bound in the namespace under the processor's name (``peak``, ...).

    ``result.<label>`` holds the values, ``scn.<device>`` where each scannable of the scan was at
    the feature, ``field.<field>`` the same per field; ``go_target`` is what ``go peak`` moves.
    """

    def __init__(self, outcome: Outcome, data: XYData) -> None:
        self.outcome = outcome
        self.name = outcome.processor
        self.abscissa = data.x_column
        self.ordinate = data.y_column
        self.message = outcome.message
        self.result = Struct({label: (outcome.values or {}).get(label) for label in outcome.labels})
        self.scn = Struct()
        self.field = Struct()
        self._axis = data.axis
        if outcome.values is None:
            self.report = outcome.message or ""
            return
        xvalue = outcome.values[outcome.keyx]
        for dev in data.devices:
            vals = [data.value_at(c, xvalue) for c in dev.fields]
            self.scn._add(dev.name, vals[0] if len(vals) == 1 else vals)
            for col, v in zip(dev.fields, vals, strict=True):
                self.field._add(col, v)
        self.report = self._short_report(data)

    def _short_report(self, data: XYData) -> str:
        axis = self._axis
        fmts = dict(zip(axis.fields, axis.formats, strict=True))
        xvalue = self.outcome.values[self.outcome.keyx]
        pos = [data.value_at(c, xvalue) for c in axis.inputs]
        if len(axis.inputs) == 1:
            label, where = axis.name, _fmt(pos[0], fmts[axis.inputs[0]])
        else:
            label = f"{axis.name}({','.join(axis.inputs)})"
            where = "(" + ",".join(_fmt(p, fmts[c]) for p, c in zip(pos, axis.inputs, strict=True)) + ")"
        values = ", ".join(
            f"{label_} = {_fmt(self.result[label_])}"
            for label_ in self.outcome.labels
            if label_ != self.outcome.keyx
        )
        return f"At {label} = {where} ({self.outcome.keyx}), {self.ordinate} {values}"

    @property
    def line(self) -> str:
        """The line printed after the scan, e.g. ``     peak: At x = 1.3012 (pos), det ...``."""
        return f"{self.name + ':':>10} {self.report}"

    @property
    def go_target(self) -> tuple[str, float | list[float]]:
        """``(scannable name, position)`` that ``go <result>`` moves to: the feature's position in
        the scanned scannable's input fields (a list when it has several)."""
        if self.outcome.values is None:
            raise AnalysisError(f"{self.name} has no position to go to: {self.message}")
        pos = self.scn[self._axis.name]
        if isinstance(pos, list):
            pos = pos[: len(self._axis.inputs)]
            return self._axis.name, pos[0] if len(pos) == 1 else pos
        return self._axis.name, float(pos)

    def process_result(self, points: int) -> ProcessResult:
        """This result as the scan file keeps it."""
        results: dict[str, float | str]
        if self.outcome.values is None:
            results = {"message": self.message or ""}
        else:
            results = {k: float(v) for k, v in self.outcome.values.items()}
        inputs: dict[str, str | int | float] = {
            "x": self.abscissa,
            "y": self.ordinate,
            "points": points,
            "method": self.outcome.method,
        }
        return ProcessResult(self.name, PROGRAM, gda_bridge.__version__, inputs, results)

    def __repr__(self) -> str:
        if self.outcome.values is None:
            return f"{self.name}: {self.message}"
        lines = [f"{self.name}.abscissa = {self.abscissa!r}", f"{self.name}.ordinate = {self.ordinate!r}"]
        lines += [f"{self.name}.scn.{n} = {self.scn[n]!r}" for n in self.scn]
        lines += [f"{self.name}.field.{n} = {self.field[n]!r}" for n in self.field]
        lines += [f"{self.name}.result.{n} = {self.result[n]!r}" for n in self.result]
        return "\n".join(lines)

    __str__ = __repr__
