"""The scan table printed while a scan runs: a header, one aligned row per point, an end line."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from gda_bridge.core.documents import (
    Document,
    ScanPoint,
    ScanResumed,
    ScanStart,
    ScanStatus,
    ScanStop,
    ScanSuspended,
)

END_LINES = {
    ScanStatus.COMPLETED_OKAY: "Scan complete.",
    ScanStatus.COMPLETED_EARLY: "Scan complete (finished early on request).",
    ScanStatus.COMPLETED_AFTER_STOP: "Scan aborted.",
    ScanStatus.COMPLETED_AFTER_FAILURE: "Scan failed.",
}


def format_cell(fmt: str, value: Any) -> str:
    if isinstance(value, np.ndarray) and value.ndim > 0:
        return "<" + "x".join(str(s) for s in value.shape) + ">"
    if value is None:
        return "-"
    try:
        return fmt % value
    except (TypeError, ValueError):
        return str(value)


def duration_text(seconds: float) -> str:
    """``0.4 s``, ``12 s``, ``3 min 20 s``, ``2 h 05 min``."""
    if seconds < 10:
        return f"{seconds:.1f} s"
    if seconds < 60:
        return f"{seconds:.0f} s"
    minutes, secs = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


class ScanTable:
    """A document subscriber that prints the table through ``output`` (one call per line)."""

    def __init__(self, output: Callable[[str], None], enabled: Callable[[], bool] = lambda: True) -> None:
        self.output = output
        self.enabled = enabled
        self._columns: list[tuple[str, str, int]] = []

    def __call__(self, doc: Document) -> None:
        if not self.enabled():
            return
        if isinstance(doc, ScanStart):
            self._start(doc)
        elif isinstance(doc, ScanPoint):
            self._row(doc)
        elif isinstance(doc, ScanSuspended):
            self.output(f"Scan suspended: {doc.reason}")
        elif isinstance(doc, ScanResumed):
            self.output("Scan resumed")
        elif isinstance(doc, ScanStop):
            line = END_LINES[doc.status]
            if doc.status is ScanStatus.COMPLETED_AFTER_FAILURE and doc.reason:
                line = f"Scan failed: {doc.reason}"
            self.output(line)

    def _start(self, doc: ScanStart) -> None:
        self._columns = []
        for d in doc.devices:
            for f in d.fields:
                sample = format_cell(f.format, 0.0) if f.shape == () else "<frame>"
                self._columns.append((f.column, f.format, max(len(f.column), len(sample)) + 1))
        number = f"Scan {doc.scan_number}: " if doc.scan_number is not None else ""
        about = f", about {duration_text(doc.estimated_seconds)}" if doc.estimated_seconds is not None else ""
        self.output(f"{number}{doc.command}  ({doc.num_points} points{about})")
        self.output(" ".join(name.rjust(width) for name, _, width in self._columns))

    def _row(self, doc: ScanPoint) -> None:
        data = doc.data
        self.output(
            " ".join(format_cell(fmt, data.get(name)).rjust(width) for name, fmt, width in self._columns)
        )
