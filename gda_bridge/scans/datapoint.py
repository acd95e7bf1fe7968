"""GDA's ScanDataPoint for the last point of a scan, as ``lastScanDataPoint()`` returns it.

Built on demand from a scan's :class:`ScanResult` (so during a scan it is the newest point), with
GDA's method names and formats (gda.scan.ScanDataPoint): positions of the scannables (moved and
read-only, one entry per scannable: a value, or a list for several fields), detector data (one
entry per detector), names, headers, ``getCurrentPointNumber()`` counting from 0,
``getCurrentFilename()`` the scan's NeXus file, ``toString()`` as
``ScanDataPoint [point=5/11, scan=<file>`` (GDA's text, without a closing bracket).

Frames (detector fields with a shape) are not kept in memory: their entry in
``getDetectorData()`` is ``None``; read them from the file. Anything GDA's class has beyond
names and values (``getScannables()``, ``getDetectors()``, plot settings) is not provided.
The scan result's own attributes (``["det"]``, ``status``, ``num_points``) also work on it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gda_bridge.core.documents import DeviceDescription
from gda_bridge.devices.base import format_value
from gda_bridge.scans.result import ScanResult

DELIMITER = "\t"


class JavaList(list):  # type: ignore[type-arg]
    """A list that also answers the java.util.List calls scripts make on GDA's Vectors."""

    def size(self) -> int:
        return len(self)

    def get(self, index: int) -> Any:
        return self[index]

    def isEmpty(self) -> bool:  # noqa: N802 - Java's name
        return not self

    def contains(self, value: Any) -> bool:
        return value in self


class ScanDataPoint:
    """One point of a scan (see the module docstring). ``index`` counts from 0."""

    def __init__(self, result: ScanResult, index: int, filename: str | Path | None = None) -> None:
        if result.start is None:
            raise ValueError("a ScanDataPoint needs a scan that has started")
        self._result = result
        self._index = index
        self._filename = None if filename is None else str(filename)
        devices = result.start.devices
        self._scannables = [d for d in devices if d.role != "detector" and d.fields]
        self._detectors = [d for d in devices if d.role == "detector"]

    @classmethod
    def last_of(cls, result: ScanResult | None, filename: str | Path | None = None) -> ScanDataPoint | None:
        """The newest point of ``result``, or None before its first point."""
        if result is None or result.start is None or result.num_points == 0:
            return None
        return cls(result, result.num_points - 1, filename)

    # values ------------------------------------------------------------------------------------
    def _value(self, column: str) -> Any:
        values = self._result.columns.get(column)
        return values[self._index] if values is not None and self._index < len(values) else None

    def _entry(self, device: DeviceDescription) -> Any:
        values = [self._value(f.column) for f in device.fields]
        return values[0] if len(values) == 1 else JavaList(values)

    def getPositions(self) -> JavaList:  # noqa: N802 - GDA's names from here on
        return JavaList(self._entry(d) for d in self._scannables)

    getScannablePositions = getPositions

    def getDetectorData(self) -> JavaList:  # noqa: N802
        return JavaList(self._entry(d) for d in self._detectors)

    def getPositionsAsDoubles(self) -> list[float | None]:  # noqa: N802
        return [_double(self._value(f.column)) for d in self._scannables for f in d.fields]

    def getDetectorDataAsDoubles(self) -> list[float | None]:  # noqa: N802
        return [_double(self._value(f.column)) for d in self._detectors for f in d.fields]

    def getAllValuesAsDoubles(self) -> list[float | None]:  # noqa: N802
        """Every field's value as a float (None where a value is not a number), scannables first."""
        return self.getPositionsAsDoubles() + self.getDetectorDataAsDoubles()

    # names -------------------------------------------------------------------------------------
    def getScannableNames(self) -> JavaList:  # noqa: N802
        return JavaList(d.name for d in self._scannables)

    def getDetectorNames(self) -> JavaList:  # noqa: N802
        return JavaList(d.name for d in self._detectors)

    def getNames(self) -> JavaList:  # noqa: N802
        return JavaList([*self.getScannableNames(), *self.getDetectorNames()])

    def getPositionHeader(self) -> JavaList:  # noqa: N802
        """The scannables' input and extra names."""
        return JavaList(f.name for d in self._scannables for f in d.fields)

    getScannableHeader = getPositionHeader

    def getDetectorHeader(self) -> JavaList:  # noqa: N802
        """The detectors' extra names (a detector without any is named by itself)."""
        return JavaList(f.name for d in self._detectors for f in d.fields)

    def isScannable(self, name: str) -> bool:  # noqa: N802
        return name in self.getScannableNames()

    def isDetector(self, name: str) -> bool:  # noqa: N802
        return name in self.getDetectorNames()

    # the scan ----------------------------------------------------------------------------------
    def getCurrentPointNumber(self) -> int:  # noqa: N802
        return self._index

    def getNumberOfPoints(self) -> int:  # noqa: N802
        assert self._result.start is not None
        return self._result.start.num_points

    def getScanDimensions(self) -> list[int]:  # noqa: N802
        return list(self._result.shape)

    def getCurrentFilename(self) -> str | None:  # noqa: N802
        return self._filename

    def getScanIdentifier(self) -> int | None:  # noqa: N802
        return self._result.scan_number

    def getCommand(self) -> str:  # noqa: N802
        return self._result.command

    def getUniqueName(self) -> str:  # noqa: N802
        return self._result.uid

    def getHasChild(self) -> bool:  # noqa: N802
        return False

    def getNumberOfChildScans(self) -> int:  # noqa: N802
        return 0

    # text --------------------------------------------------------------------------------------
    def _formatted(self, devices: list[DeviceDescription]) -> list[str]:
        return [format_value(f.format, self._value(f.column)) for d in devices for f in d.fields]

    def getDelimitedHeaderString(self) -> str:  # noqa: N802
        return DELIMITER.join([*self.getPositionHeader(), *self.getDetectorHeader()]).strip()

    def toDelimitedString(self) -> str:  # noqa: N802
        return DELIMITER.join(self._formatted(self._scannables) + self._formatted(self._detectors)).strip()

    def _aligned(self) -> tuple[list[str], list[str]]:
        header = [*self.getPositionHeader(), *self.getDetectorHeader()]
        data = [s.strip() for s in self._formatted(self._scannables) + self._formatted(self._detectors)]
        widths = [max(len(h), len(v)) for h, v in zip(header, data, strict=True)]
        return [h.rjust(w) for h, w in zip(header, widths, strict=True)], [
            v.rjust(w) for v, w in zip(data, widths, strict=True)
        ]

    def getHeaderString(self) -> str:  # noqa: N802
        """The column names, padded to line up with toFormattedString()."""
        return DELIMITER.join(self._aligned()[0])

    def toFormattedString(self) -> str:  # noqa: N802
        """The values as the scan printed them, padded to line up with getHeaderString()."""
        return DELIMITER.join(self._aligned()[1])

    def toString(self) -> str:  # noqa: N802
        identifier = self._filename if self._filename is not None else self._result.uid
        return f"ScanDataPoint [point={self._index + 1}/{self.getNumberOfPoints()}, scan={identifier}"

    __str__ = toString
    __repr__ = toString

    # Jython's bean properties (sdp.currentFilename), then the scan result's own attributes ------
    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        getter = type(self).__dict__.get(f"get{name[:1].upper()}{name[1:]}")
        if getter is not None:
            return getter(self)
        try:
            return getattr(self._result, name)
        except AttributeError:
            raise AttributeError(f"'ScanDataPoint' object has no attribute {name!r}") from None

    def __getitem__(self, column: str) -> Any:
        return self._result[column]


def _double(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None
