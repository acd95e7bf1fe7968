"""What every scan of the session shares: the document stream, default scannables, scan numbers,
metadata, the running scan (so other threads can pause or abort it) and the printed output."""

from __future__ import annotations

import importlib
import itertools
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from gda_bridge.core.stream import DocumentStream
from gda_bridge.scans.estimate import TimingHistory
from gda_bridge.scans.table import ScanTable


def _print_line(line: str) -> None:
    print(line, file=sys.stdout, flush=True)  # noqa: T201 - the scan table is terminal output


@dataclass
class ScanContext:
    stream: DocumentStream = field(default_factory=DocumentStream)
    defaults: list[Any] = field(default_factory=list)
    spec_counters: list[Any] = field(default_factory=list)
    next_scan_number: Callable[[], int] = field(default_factory=lambda: itertools.count(1).__next__)
    metadata: dict[str, Any] = field(default_factory=dict)
    output: Callable[[str], None] = _print_line
    show_table: bool = True
    return_to_start: bool = True
    after_scan: list[Callable[[Any], None]] = field(default_factory=list)
    metadata_providers: list[Callable[[], dict[str, Any]]] = field(default_factory=list)
    on_ctrl_c: Callable[[Any], None] | None = None
    """Set by an interactive console: scans then run on a worker thread and Ctrl-C calls this
    with the running scan (to offer continue / pause / finish / abort) instead of aborting."""
    running: Any = None
    """The scan in progress (other threads pause or abort it through this), or None."""
    last_result: Any = None
    scan_files: dict[str, Any] = field(default_factory=dict)
    """The file each scan writes, by the scan's uid (set by whoever writes the files)."""
    suspenders: list[Any] = field(default_factory=list)
    """Conditions every scan honours (gda_bridge.core.suspenders.Suspender): install with
    gda_bridge.scans.suspension.install_suspender."""
    timeline: bool = True
    """Whether scans mark every phase of every point into their files (docs/timeline.md)."""
    timing: TimingHistory = field(default_factory=TimingHistory)
    """What earlier scans cost beyond motion and collection (in memory unless a session keeps it
    in the data folder), for the estimates of the next ones."""
    session: Any = None
    """The session wired to this context (files, numbering, analysis, ``go``), or None."""
    default_session: str | None = "gda_bridge.session:attach_default_session"
    """``"module:function"`` called with the context at the first scan (or ``go``) when no session
    is wired and no file writer was subscribed by hand (a critical subscriber), so a plain Python
    script gets files and analysis; None keeps bare scans (tests of the engine). Named, not
    imported: the session sits layers above this module."""

    def __post_init__(self) -> None:
        self.reset_stream()

    def ensure_session(self) -> Any:
        """The wired session, after wiring the default one if there is none yet (and one is named)."""
        if self.session is None and self.default_session and not self.stream.has_critical():
            with _wiring:  # two threads scanning at once get one default session
                if self.session is None and self.default_session and not self.stream.has_critical():
                    module, _, name = self.default_session.partition(":")
                    getattr(importlib.import_module(module), name)(self)
        return self.session

    def reset_stream(self) -> None:
        """A new document stream whose only subscriber is the scan table."""
        self.stream = DocumentStream()
        self.stream.subscribe(ScanTable(lambda line: self.output(line), lambda: self.show_table))


_wiring = threading.Lock()
_context = ScanContext()


def context() -> ScanContext:
    """The session's scan context (one per process, like GDA's Jython namespace)."""
    return _context
