"""Making a scan file whose writer died (``kill -9``, power cut of the process) open normally.

HDF5 marks a file open for (SWMR) writing in its superblock's consistency flags and clears the
mark on close. A killed writer leaves the mark, and HDF5 then refuses to open the file except as
a SWMR reader ("file is already open for write (may use <h5clear file> ...)"), so silx, DAWN and
nexpy cannot open it although every flushed point is intact. ``recover_file`` clears the mark, as
``h5clear -s`` does, after checking that no process still writes the file: the writer holds a
shared ``flock`` on the file for as long as it writes it. It then records the interruption in
each entry still marked RUNNING: ``scan_status`` COMPLETED_AFTER_FAILURE, a ``scan_reason`` that
says the writer died and when the file was recovered, and an ``end_time`` (the end of the last
flushed point, or the file's modification time when no point was flushed, as the reason states),
keeping every flushed point as it is.
"""

from __future__ import annotations

import datetime
import fcntl
import logging
import os
import struct
import time
from pathlib import Path

import h5py
import numpy as np

from gda_bridge.nexus.layout import REASON_WIDTH, RUNNING, iso_time

log = logging.getLogger("gda_bridge.nexus")

_SIGNATURE = b"\x89HDF\r\n\x1a\n"
_M = 0xFFFFFFFF


INTERRUPTED = "COMPLETED_AFTER_FAILURE"


def recover_file(path: str | os.PathLike[str]) -> bool:
    """Make a scan file left by a dead writer whole: clear HDF5's "open for writing" mark and mark
    its RUNNING entries as interrupted (see the module's docstring).

    Returns True if the file was changed, False if there was nothing to do or a live process
    still writes it. OSError if the file cannot be changed (a reader holding it open, say).
    """
    cleared = _clear_mark(path)
    if cleared is None:
        return False
    return _mark_interrupted(Path(path)) or cleared


def _clear_mark(path: str | os.PathLike[str]) -> bool | None:
    """True if the mark was there and is cleared, False if there was none, None if a live
    process holds the file."""
    fd = os.open(path, os.O_RDWR)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return None  # a writer (or an HDF5 non-SWMR open) holds it
        base = _find_superblock(fd)
        if base is None:
            return False
        head = os.pread(fd, 12, base)
        version, offset_size = head[8], head[9]
        if version not in (2, 3) or head[11] == 0:
            return False
        n = 12 + 4 * offset_size
        block = bytearray(os.pread(fd, n + 4, base))
        (stored,) = struct.unpack_from("<I", block, n)
        if stored != lookup3(bytes(block[:n])):
            log.warning("%s: superblock checksum does not match; not touching it", path)
            return False
        block[11] = 0
        struct.pack_into("<I", block, n, lookup3(bytes(block[:n])))
        os.pwrite(fd, bytes(block), base)
        os.fsync(fd)
        log.info("cleared the open-for-writing mark of %s (its writer had died)", path)
        return True
    finally:
        os.close(fd)


def _mark_interrupted(path: Path) -> bool:
    """Record the interruption in every entry still RUNNING; True if there was one."""
    with h5py.File(path, "r") as f:
        if not any(_running(e) for e in _entries(f)):
            return False
    now = iso_time(time.time())
    with h5py.File(path, "r+") as f:
        for entry in _entries(f):
            if not _running(entry):
                continue
            end, source = _last_point_end(entry), "the end of the last flushed point"
            if end is None:
                end, source = iso_time(os.stat(path).st_mtime), "the file's modification time"
            reason = f"interrupted: the writing process died (recovered {now}); end_time is {source}"
            entry["scan_status"][()] = np.bytes_(INTERRUPTED.encode())
            entry["scan_reason"][()] = np.bytes_(reason.encode()[:REASON_WIDTH])
            entry["end_time"][()] = np.bytes_(end.encode())
            _finish_diamond_scan(entry, end)
            log.warning("%s%s: the scan was interrupted (its writer died); marked %s, end_time %s (%s)",
                        path, entry.name, INTERRUPTED, end, source)
    return True


def _entries(f: h5py.File) -> list[h5py.Group]:
    return [g for g in f.values() if isinstance(g, h5py.Group) and "scan_status" in g]


def _running(entry: h5py.Group) -> bool:
    return bytes(entry["scan_status"][()]).rstrip(b"\0") == RUNNING.encode()


def _last_point_end(entry: h5py.Group) -> str | None:
    if "diamond_scan/point_end_times" not in entry:
        return None
    ends = [bytes(t).decode() for t in np.ravel(entry["diamond_scan/point_end_times"][()]) if t]
    return max(ends, key=datetime.datetime.fromisoformat, default=None)


def _finish_diamond_scan(entry: h5py.Group, end: str) -> None:
    """duration and dead time up to ``end``, and ``scan_finished`` = 1 (DAWN stops waiting)."""
    if "diamond_scan" not in entry:
        return
    group = entry["diamond_scan"]
    try:
        started = datetime.datetime.fromisoformat(entry["start_time"].asstr()[()])
        duration = max(0, round((datetime.datetime.fromisoformat(end) - started).total_seconds() * 1000))
    except (KeyError, ValueError):
        duration = None
    if duration is not None and "duration" in group:
        group["duration"][()] = duration
        if "scan_estimated_duration" in group and "scan_dead_time" in group:
            dead = duration - int(group["scan_estimated_duration"][()])
            group["scan_dead_time"][()] = dead
            group["scan_dead_time_percent"][()] = 100.0 * dead / duration if duration else 0.0
    if "scan_finished" in group:
        group["scan_finished"][0] = 1


def describe(path: str | os.PathLike[str]) -> str:
    """One line per scan entry: status, points, end time and reason."""
    with h5py.File(path, "r") as f:
        parts = []
        for entry in _entries(f):
            status = entry["scan_status"].asstr()[()]
            points = int(entry["points_completed"][()]) if "points_completed" in entry else "?"
            reason = entry["scan_reason"].asstr()[()] if "scan_reason" in entry else ""
            end = entry["end_time"].asstr()[()] if "end_time" in entry else ""
            parts.append(f"{entry.name.strip('/')} {status}, {points} points, end_time {end or '(none)'}"
                         + (f": {reason}" if reason else ""))
        return "; ".join(parts) or "no scan entry"


def needs_recovery(path: str | os.PathLike[str]) -> bool:
    """True if the file carries an open-for-writing mark (live writer or dead one)."""
    with open(path, "rb") as f:
        fd = f.fileno()
        base = _find_superblock(fd)
        if base is None:
            return False
        head = os.pread(fd, 12, base)
        return head[8] in (2, 3) and head[11] != 0


def recover_recent(data_dir: Path, beamline: str, last_number: int, count: int = 20) -> list[Path]:
    """Recover the files of the ``count`` scan numbers up to ``last_number`` that need it."""
    recovered = []
    for number in range(last_number, max(0, last_number - count), -1):
        path = data_dir / f"{beamline}-{number}.nxs"
        try:
            if path.exists() and recover_file(path):
                recovered.append(path)
        except OSError:
            log.warning("cannot check %s for recovery", path, exc_info=True)
    return recovered


def _find_superblock(fd: int) -> int | None:
    base = 0
    size = os.fstat(fd).st_size
    while base + 8 <= size:
        if os.pread(fd, 8, base) == _SIGNATURE:
            return base
        base = 512 if base == 0 else base * 2
    return None


def _rot(x: int, k: int) -> int:
    return ((x << k) | (x >> (32 - k))) & _M


def lookup3(data: bytes, initval: int = 0) -> int:
    """Bob Jenkins' lookup3 ``hashlittle``, HDF5's metadata checksum."""
    length = len(data)
    a = b = c = (0xDEADBEEF + length + initval) & _M
    if length == 0:
        return c
    padded = data + bytes(-length % 12)
    words = struct.unpack(f"<{len(padded) // 4}I", padded)
    i = 0
    while length > 12:
        a = (a + words[i]) & _M
        b = (b + words[i + 1]) & _M
        c = (c + words[i + 2]) & _M
        a = (a - c) & _M; a ^= _rot(c, 4); c = (c + b) & _M  # noqa: E702
        b = (b - a) & _M; b ^= _rot(a, 6); a = (a + c) & _M  # noqa: E702
        c = (c - b) & _M; c ^= _rot(b, 8); b = (b + a) & _M  # noqa: E702
        a = (a - c) & _M; a ^= _rot(c, 16); c = (c + b) & _M  # noqa: E702
        b = (b - a) & _M; b ^= _rot(a, 19); a = (a + c) & _M  # noqa: E702
        c = (c - b) & _M; c ^= _rot(b, 4); b = (b + a) & _M  # noqa: E702
        length -= 12
        i += 3
    a = (a + words[i]) & _M
    b = (b + words[i + 1]) & _M
    c = (c + words[i + 2]) & _M
    c ^= b; c = (c - _rot(b, 14)) & _M  # noqa: E702
    a ^= c; a = (a - _rot(c, 11)) & _M  # noqa: E702
    b ^= a; b = (b - _rot(a, 25)) & _M  # noqa: E702
    c ^= b; c = (c - _rot(b, 16)) & _M  # noqa: E702
    a ^= c; a = (a - _rot(c, 4)) & _M  # noqa: E702
    b ^= a; b = (b - _rot(a, 14)) & _M  # noqa: E702
    c ^= b; c = (c - _rot(b, 24)) & _M  # noqa: E702
    return c
