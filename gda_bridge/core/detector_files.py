"""Where the running scan's file is, for detectors that write files of their own, and what they
wrote, until the scan's stop document carries it.

The file writer announces the scan file when it has created it (before any detector is
prepared); a file-writing detector names its files after it and reports, once its capture has
ended, the files and frame counts it wrote. The scan runner puts the reports into ScanStop.
Process-wide, like the one scan a session runs at a time.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from gda_bridge.core.documents import FramesWritten


@dataclass(frozen=True)
class ScanFileTarget:
    """The file of the scan being run: ``uid`` of the scan, its ``path``, its point count."""

    uid: str
    path: Path
    num_points: int


_lock = threading.Lock()
_current: ScanFileTarget | None = None
_reports: dict[str, list[FramesWritten]] = {}


def announce(target: ScanFileTarget) -> None:
    """The file writer has created ``target.path`` for scan ``target.uid``."""
    global _current
    with _lock:
        _current = target


def withdraw(uid: str) -> None:
    """Scan ``uid`` has ended: no file for detectors to name theirs after."""
    global _current
    with _lock:
        if _current is not None and _current.uid == uid:
            _current = None


def current() -> ScanFileTarget | None:
    with _lock:
        return _current


def report(uid: str, written: FramesWritten) -> None:
    """A detector of scan ``uid`` says what it wrote (a later report of the device replaces it)."""
    with _lock:
        reports = [r for r in _reports.get(uid, []) if r.device != written.device]
        _reports[uid] = [*reports, written]


def take_reports(uid: str) -> tuple[FramesWritten, ...]:
    """The reports of scan ``uid``, removed."""
    with _lock:
        return tuple(_reports.pop(uid, ()))
