"""Making a scan file whose writer died (``kill -9``, power cut of the process) open normally.

HDF5 marks a file open for (SWMR) writing in its superblock's consistency flags and clears the
mark on close. A killed writer leaves the mark, and HDF5 then refuses to open the file except as
a SWMR reader ("file is already open for write (may use <h5clear file> ...)"), so silx, DAWN and
nexpy cannot open it although every flushed point is intact. ``recover_file`` clears the mark, as
``h5clear -s`` does, after checking that no process still writes the file: the writer holds a
shared ``flock`` on the file for as long as it writes it.
"""

from __future__ import annotations

import fcntl
import logging
import os
import struct
from pathlib import Path

log = logging.getLogger("gda_bridge.nexus")

_SIGNATURE = b"\x89HDF\r\n\x1a\n"
_M = 0xFFFFFFFF


def recover_file(path: str | os.PathLike[str]) -> bool:
    """Clear the "open for writing" mark of a scan file left by a dead writer.

    Returns True if the file was marked and is now cleared, False if there was nothing to do or a
    live process still writes it.
    """
    fd = os.open(path, os.O_RDWR)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False  # a writer (or an HDF5 non-SWMR open) holds it
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
            if path.exists() and needs_recovery(path) and recover_file(path):
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
