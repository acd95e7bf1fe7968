"""Scan numbers that increase by one, persist across processes and restarts, and are never given
twice, even to two processes starting scans at the same moment.

The last number handed out is kept as text in a small file (``<data dir>/.scan_number``); each
reservation takes an exclusive ``fcntl`` lock on it, reads, increments and rewrites it before
releasing the lock. Every process writing scan files into a data folder (a console, ``gda-bridge
run``, the command server, plain Python with a ``NexusWriter``) takes its numbers from that one
file, and a number whose files already exist (``taken``) is skipped under the same lock, so a
collision with a file left by anything else cannot happen either.
"""

from __future__ import annotations

import fcntl
import logging
import os
from collections.abc import Callable
from pathlib import Path

from gda_bridge.core.errors import GdaBridgeError

log = logging.getLogger("gda_bridge.scan_numbers")


class ScanNumberError(GdaBridgeError, RuntimeError):
    """The scan-number file exists but does not hold a number."""


class ScanNumberSource:
    """Hands out scan numbers from the file at ``path`` (created on first use; the first number
    is 1). ``taken(n)``, when given, says whether number ``n`` is in use by something the file
    does not know about (its scan file exists); such numbers are skipped and logged."""

    def __init__(self, path: str | os.PathLike[str], taken: Callable[[int], bool] | None = None) -> None:
        self.path = Path(path)
        self.taken = taken
        self._mine: set[int] = set()  # reserved here and not yet used by claim()

    def next(self) -> int:
        """Reserve and return the next free scan number."""
        return self._reserve(None)

    def claim(self, proposed: int | None) -> int:
        """The number a scan proposed (``ScanStart.scan_number``) if it is this source's own
        reservation or a new number above every one handed out, and free; otherwise the next free
        number (logged). So a caller numbering scans on its own (a database, a per-process
        counter) can never make two scans share a number."""
        if proposed is not None and proposed in self._mine:
            self._mine.discard(proposed)
            if not self._is_taken(proposed):
                return proposed
        number = self._reserve(proposed)
        self._mine.discard(number)
        if proposed is not None and number != proposed:
            log.warning("scan number %d is already used in %s; this scan is number %d",
                        proposed, self.path.parent, number)
        return number

    def current(self) -> int:
        """The last number handed out (0 if none yet)."""
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except FileNotFoundError:
            return 0
        try:
            fcntl.flock(fd, fcntl.LOCK_SH)
            return self._read(fd)
        finally:
            os.close(fd)

    def _reserve(self, proposed: int | None) -> int:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o664)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            last = self._read(fd)
            number = max(last + 1, proposed or 0)
            while self._is_taken(number):
                log.warning("scan number %d has files in %s already; skipping it", number, self.path.parent)
                number += 1
            text = f"{number}\n".encode()
            # Overwrite in place, then cut: the file never passes through an empty state
            # (numbers only grow, so the new text is at least as long as the old one).
            os.pwrite(fd, text, 0)
            os.ftruncate(fd, len(text))
            os.fsync(fd)
        finally:
            os.close(fd)  # releases the lock
        self._mine.add(number)
        log.debug("scan number %d reserved in %s", number, self.path)
        return number

    def _is_taken(self, number: int) -> bool:
        return self.taken is not None and self.taken(number)

    def _read(self, fd: int) -> int:
        text = os.pread(fd, 64, 0).decode("ascii", "replace").strip()
        if not text:
            return 0
        try:
            return int(text)
        except ValueError:
            raise ScanNumberError(
                f"scan number file {self.path} holds {text!r}, not a number; fix or remove it"
            ) from None
