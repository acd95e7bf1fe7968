"""``gda-bridge recover FILE...``: make scan files left by a killed writer open normally and say
that their scan was interrupted (what a new session does by itself for the last 20 scans)."""

from __future__ import annotations

import argparse
import fcntl
import os
from pathlib import Path


def add_command(sub: argparse._SubParsersAction) -> None:
    recover = sub.add_parser("recover", help="mark scan files whose writer died as interrupted and make them open normally")
    recover.add_argument("files", nargs="+", metavar="FILE", help="a scan file (.nxs)")
    recover.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    failed = 0
    for name in args.files:
        path = Path(name)
        try:
            line = recover_one(path)
        except OSError as exc:
            failed += 1
            line = f"cannot recover it: {exc}"
        print(f"{path}: {line}")
    return 1 if failed else 0


def recover_one(path: Path) -> str:
    """What recovering ``path`` did, as one line."""
    from gda_bridge.nexus.recovery import describe, needs_recovery, recover_file  # h5py: only when used

    if not path.is_file():
        raise FileNotFoundError(f"no such file: {path}")
    if _written_by_a_live_process(path):
        return "a live process is still writing it; left alone"
    marked = needs_recovery(path)
    if not recover_file(path):
        return f"nothing to recover ({describe(path)})"
    cleared = "cleared the open-for-writing mark; " if marked else ""
    return f"{cleared}{describe(path)}"


def _written_by_a_live_process(path: Path) -> bool:
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return False
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
