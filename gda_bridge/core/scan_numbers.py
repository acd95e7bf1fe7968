"""Scan numbers that increase by one, persist across processes and restarts, and are never given
twice, even to two processes starting scans at the same moment.

The last number handed out is kept as text in a small file; each ``next()`` takes an exclusive
``fcntl`` lock on it, reads, increments and rewrites it before releasing the lock.
"""

from __future__ import annotations

import fcntl
import logging
import os
from pathlib import Path

from gda_bridge.core.errors import GdaBridgeError

log = logging.getLogger("gda_bridge.scan_numbers")


class ScanNumberError(GdaBridgeError, RuntimeError):
    """The scan-number file exists but does not hold a number."""


class ScanNumberSource:
    """Hands out scan numbers from the file at ``path`` (created on first use; the first number
    is 1)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)

    def next(self) -> int:
        """Reserve and return the next scan number."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o664)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            number = self._read(fd) + 1
            text = f"{number}\n".encode()
            # Overwrite in place, then cut: the file never passes through an empty state
            # (numbers only grow, so the new text is at least as long as the old one).
            os.pwrite(fd, text, 0)
            os.ftruncate(fd, len(text))
            os.fsync(fd)
        finally:
            os.close(fd)  # releases the lock
        log.debug("scan number %d reserved in %s", number, self.path)
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
