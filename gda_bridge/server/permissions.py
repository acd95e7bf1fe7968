"""The server's files hold secrets (token hashes) and who did what (the queue database): readable
by the server's user only."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

log = logging.getLogger("gda_bridge.server")

_COMPANIONS = ("-wal", "-shm", "-journal")
"""SQLite's side files, which hold recent changes of the database itself."""


def owner_only(path: str | os.PathLike[str], what: str, create: bool = True) -> None:
    """Tighten an existing ``path`` (and its SQLite side files) to mode 0600, saying so in the log;
    with ``create``, a missing one is created empty with 0600 (SQLite then gives its side files the
    same mode)."""
    path = Path(path)
    if create and not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    for candidate in (path, *(path.with_name(path.name + c) for c in _COMPANIONS)):
        try:
            mode = stat.S_IMODE(candidate.stat().st_mode)
        except FileNotFoundError:
            continue
        if mode & 0o077:
            os.chmod(candidate, 0o600)
            log.warning("%s %s was readable by others (mode %04o): now 0600", what, candidate, mode)
