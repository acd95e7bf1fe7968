"""The root-side start of the worker process: a private view of the file system, then another user.

Run as root by the API process (``python -m gda_bridge.server.worker_launch``). In a new mount
namespace of its own it makes every path the worker needs reachable by the worker user, and
nothing more: a folder on the way that the user may not enter (``/root``, where Python may be
installed; pytest's 0700 temporary folders) is covered by an empty tmpfs into which only the needed
entries are bound back. The server's secrets (the token file, the queue database) are covered by
``/dev/null``. Then it drops to the user (no supplementary groups) and execs the worker process,
which inherits only the two channel sockets. Nothing here outlives the worker: the mounts exist only
in its namespace.
"""

from __future__ import annotations

import argparse
import ctypes
import grp
import os
import pwd
import sys
from pathlib import Path

_CLONE_NEWNS = 0x00020000
_MS_BIND, _MS_REC, _MS_PRIVATE, _MS_NOSUID, _MS_NODEV = 4096, 16384, 1 << 18, 2, 4
_libc = ctypes.CDLL(None, use_errno=True)


class LaunchError(RuntimeError):
    pass


def _check(result: int, what: str) -> None:
    if result != 0:
        err = ctypes.get_errno()
        raise LaunchError(f"{what}: {os.strerror(err)}")


def _mount(source: str, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    _check(_libc.mount(source.encode(), target.encode(), fstype.encode() if fstype else None, flags,
                       data.encode() if data else None), f"mount {source} on {target}")


class _User:
    def __init__(self, name: str) -> None:
        entry = pwd.getpwnam(name)
        self.name, self.uid, self.gid = name, entry.pw_uid, entry.pw_gid
        self.groups = {self.gid} | {g.gr_gid for g in grp.getgrall() if name in g.gr_mem}

    def may(self, path: Path, want: int) -> bool:
        st = path.stat()
        if st.st_uid == self.uid:
            bits = st.st_mode >> 6
        elif st.st_gid in self.groups:
            bits = st.st_mode >> 3
        else:
            bits = st.st_mode
        return bits & want == want


def _first_blocked(path: Path, user: _User) -> Path | None:
    """The first folder on the way to ``path`` that ``user`` may not enter."""
    for parent in reversed(path.parents):
        if not user.may(parent, 1):
            return parent
    if path.is_dir() and not user.may(path, 1):
        return path
    return None


def _open_up(paths: list[Path], user: _User) -> None:
    """Cover each blocking folder with a tmpfs that holds only the needed entries, until every
    path can be reached (a bound-back entry may itself be a blocking folder: then again)."""
    for _ in range(20):
        blocked: dict[Path, set[str]] = {}
        for path in paths:
            if not path.exists():
                continue
            wall = _first_blocked(path, user)
            if wall is None:
                continue
            if wall == path:  # the needed folder itself: expose its entries
                blocked.setdefault(wall, set()).update(os.listdir(wall))
            else:
                blocked.setdefault(wall, set()).add(path.relative_to(wall).parts[0])
        if not blocked:
            return
        for wall, names in blocked.items():
            keep = {n: os.open(wall / n, os.O_PATH) for n in names if (wall / n).exists() or (wall / n).is_symlink()}
            kinds = {n: (wall / n).is_dir() for n in keep}
            links = {n: os.readlink(wall / n) for n in keep if (wall / n).is_symlink()}
            _mount("tmpfs", str(wall), "tmpfs", _MS_NOSUID | _MS_NODEV, "mode=0755")
            for name, fd in keep.items():
                target = wall / name
                if name in links:
                    os.symlink(links[name], target)
                else:
                    if kinds[name]:
                        target.mkdir()
                    else:
                        target.touch()
                    _mount(f"/proc/self/fd/{fd}", str(target), None, _MS_BIND | _MS_REC)
                os.close(fd)
    raise LaunchError("could not open a way to " + ", ".join(map(str, paths)))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="gda_bridge.server.worker_launch")
    parser.add_argument("--user", required=True)
    parser.add_argument("--need", action="append", default=[], help="a path the worker reads or writes")
    parser.add_argument("--hide", action="append", default=[], help="a file the worker must not see")
    parser.add_argument("worker", nargs=argparse.REMAINDER, help="-- then the worker process's arguments")
    args = parser.parse_args(argv)
    worker_args = args.worker[1:] if args.worker[:1] == ["--"] else args.worker
    if os.geteuid() != 0:
        raise SystemExit("gda_bridge.server.worker_launch: must be started as root")
    user = _User(args.user)
    cwd = os.getcwd()
    needed = [Path(p).absolute() for p in args.need]
    try:
        _check(_libc.unshare(_CLONE_NEWNS), "unshare(CLONE_NEWNS)")
        _mount("none", "/", None, _MS_REC | _MS_PRIVATE)
        _open_up(needed, user)
        for secret in args.hide:
            if Path(secret).is_file():
                _mount("/dev/null", secret, None, _MS_BIND)
    except LaunchError as exc:
        blocked = [str(p) for p in needed if p.exists() and _first_blocked(p, user) is not None]
        if blocked:
            raise SystemExit(f"gda-bridge worker: no private file system view ({exc}) and {user.name} cannot "
                             f"reach {', '.join(blocked)}: start the server with another --worker-user") from None
        print(f"gda-bridge worker: no private file system view ({exc}); the secrets stay protected by their "  # noqa: T201
              "file modes only", file=sys.stderr)
    try:
        os.chdir(cwd)  # the folder as this namespace shows it
    except OSError:
        os.chdir("/")
    os.setgroups([])
    os.setgid(user.gid)
    os.setuid(user.uid)
    if os.getuid() != user.uid or os.geteuid() != user.uid:
        raise SystemExit("gda-bridge worker: could not change user")
    try:
        os.chdir(cwd)
    except OSError:
        os.chdir("/")
    os.execv(sys.executable, [sys.executable, "-m", "gda_bridge.server.worker_process", *worker_args])


if __name__ == "__main__":
    main()
