"""What a scan command returns: its columns as numpy arrays, its command, status and number."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from gda_bridge.core.documents import ScanStart, ScanStatus


@dataclass
class SuspensionRecord:
    """One suspension of the scan: held before point ``index`` from ``start`` to ``end`` (epoch
    seconds; ``end`` is the scan's end if it ended suspended)."""

    index: int
    start: float
    end: float | None
    reason: str


@dataclass
class ScanResult:
    """Scalar columns are kept in memory (``result["det"]``); frames only go to the file."""

    command: str
    uid: str
    scan_number: int | None
    shape: tuple[int, ...]
    status: ScanStatus | None = None
    reason: str | None = None
    start: ScanStart | None = None
    columns: dict[str, list[Any]] = field(default_factory=dict)
    file: str | None = None
    """The scan file, when a session writes one."""
    suspensions: list[SuspensionRecord] = field(default_factory=list)
    post_scan: list[Callable[[float | None], bool]] = field(default_factory=list, repr=False)
    """Waits for work that goes on after the scan returned (its plot, its hooks), each taking a
    timeout and saying whether that work finished: set by the session, used by ``wait()``."""

    @property
    def path(self) -> Path | None:
        """The scan's NeXus file (None when the session writes no files)."""
        return Path(self.file) if self.file else None

    def wait(self, timeout: float | None = 30.0) -> bool:
        """Wait for the scan's post-scan work (analysis, plot, hooks); False if some of it is still
        running after ``timeout`` seconds (for each kind of work)."""
        return all([done(timeout) for done in self.post_scan])

    def __getitem__(self, column: str) -> np.ndarray:
        try:
            return np.asarray(self.columns[column])
        except KeyError:
            raise KeyError(f"no column {column!r} in this scan; columns: {', '.join(self.columns)}") from None

    def keys(self) -> list[str]:
        return list(self.columns)

    @property
    def num_points(self) -> int:
        return max((len(v) for v in self.columns.values()), default=0)

    @property
    def currentFilename(self) -> str | None:  # noqa: N802 - GDA's ScanDataPoint name
        return self.file

    def getCurrentFilename(self) -> str | None:  # noqa: N802
        return self.file

    def grid(self, column: str) -> np.ndarray:
        """A complete multi-dimensional scan's column in its grid shape."""
        return self[column].reshape(self.shape)

    def __repr__(self) -> str:
        status = self.status.value if self.status else "RUNNING"
        return f"<ScanResult #{self.scan_number} {self.command!r} {self.num_points} points {status}>"
