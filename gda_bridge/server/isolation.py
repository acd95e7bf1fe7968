"""Starting the worker process so that the code it runs cannot reach the server's secrets.

The API process keeps the token file, the queue database and the baton. The worker process gets
two sockets and nothing else: every other file descriptor closed, an environment without
secret-looking variables, its own session (so no signal aimed at the terminal's process group), and
when the server runs as root, another user (``--worker-user``, default ``nobody``) and a private
view of the file system (``worker_launch``). As that user it cannot read the 0600 token file or
database, cannot signal the API process and cannot read ``/proc/<api pid>/environ`` or ``mem``. The API process also marks itself non-dumpable, which keeps
a same-user worker out of its ``/proc`` memory and environment when it cannot change user.
"""

from __future__ import annotations

import ctypes
import grp
import logging
import os
import pwd
import re
import socket
import stat
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from gda_bridge.core.errors import GdaBridgeError

log = logging.getLogger("gda_bridge.server")

DEFAULT_WORKER_USER = "nobody"
_SECRET = re.compile(r"TOKEN|SECRET|PASSW|CREDENTIAL|PRIVATE|_KEY$|^KEY$|API_?KEY|AUTH", re.IGNORECASE)
_PR_SET_DUMPABLE = 4


class IsolationError(GdaBridgeError, RuntimeError):
    """The worker process cannot be started as asked (unknown user, folders it cannot reach)."""


@dataclass(frozen=True)
class WorkerUser:
    """Who the worker process runs as; ``uid`` None: the server's own user (no separate uid)."""

    name: str
    uid: int | None = None
    gid: int | None = None
    home: str | None = None

    @property
    def separate(self) -> bool:
        return self.uid is not None


def choose_user(requested: str | None) -> WorkerUser:
    """``--worker-user``: as root, that user (default nobody; ``root`` keeps root, unisolated);
    otherwise the server's own user, and asking for another one is an error."""
    me = pwd.getpwuid(os.geteuid()).pw_name
    if os.geteuid() != 0:
        if requested not in (None, me):
            raise IsolationError(f"--worker-user {requested}: only a server started as root can run its worker "
                                 f"as another user (this one runs as {me})")
        return WorkerUser(me)
    name = requested or DEFAULT_WORKER_USER
    if name == "root":
        return WorkerUser("root")
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        raise IsolationError(f"--worker-user {name}: no such user on this machine") from None
    if entry.pw_uid == 0:
        return WorkerUser(name)
    return WorkerUser(name, entry.pw_uid, entry.pw_gid, entry.pw_dir)


def _may_write(path: Path, user: WorkerUser) -> bool:
    st = path.stat()
    groups = {user.gid} | {g.gr_gid for g in grp.getgrall() if user.name in g.gr_mem}
    shift = 6 if st.st_uid == user.uid else 3 if st.st_gid in groups else 0
    return (st.st_mode >> shift) & 3 == 3


def prepare_data_dir(path: Path, user: WorkerUser) -> None:
    """Create a missing data folder owned by the worker user, who writes the scan files; refuse to
    start when an existing one is not writable by that user (every scan would fail)."""
    if not path.exists():
        path.mkdir(parents=True)
        if user.separate:
            os.chown(path, user.uid, user.gid)
            log.info("created the data folder %s for %s", path, user.name)
        return
    if user.separate and not _may_write(path, user):
        raise IsolationError(
            f"the data folder {path} is not writable by {user.name}, who runs the queued code and writes the scan "
            f"files: `chown {user.name} {path}` (or give its group write access), or choose --worker-user"
        )


def private_file(path: Path) -> None:
    """Make a server file (the queue database) 0600, creating it empty if missing; SQLite gives
    its -wal and -shm files the database's mode."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    os.close(fd)
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        if p.exists() and stat.S_IMODE(p.stat().st_mode) & 0o077:
            os.chmod(p, 0o600)


def no_dumping() -> None:
    """Keep processes of the same user out of this one's /proc memory, environment and ptrace."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0)
    except (OSError, AttributeError):
        log.warning("could not mark the server non-dumpable: a same-user worker could read its memory")


def worker_env(user: WorkerUser) -> dict[str, str]:
    """The server's environment less anything that looks like a secret."""
    env = {k: v for k, v in os.environ.items() if not _SECRET.search(k)}
    if user.separate:
        env["HOME"] = user.home if user.home and Path(user.home).is_dir() else "/tmp"
        env["USER"] = env["LOGNAME"] = user.name
    return env


@dataclass
class Spawned:
    process: subprocess.Popen[bytes]
    control: socket.socket
    events: socket.socket


def needed_paths(*extra: Path | None) -> list[Path]:
    """What the worker reads: the Python installation, the import path (this package among it), the
    JVM, its working folder, and ``extra`` (configuration, scripts, data folder)."""
    paths = [Path(sys.executable).resolve().parent, Path(sys.base_prefix), Path(sys.prefix),
             Path(__file__).resolve().parents[2], Path.cwd()]
    paths += [Path(p) for p in sys.path if p and Path(p).exists()]
    if os.environ.get("JAVA_HOME"):
        paths.append(Path(os.environ["JAVA_HOME"]))
    paths += [p for p in extra if p is not None]
    return list(dict.fromkeys(p.absolute() for p in paths))


def spawn(user: WorkerUser, worker_args: list[str], need: list[Path], hide: list[Path]) -> Spawned:
    """Start the worker process with two socketpairs: ``python -m gda_bridge.server.worker_process``,
    through ``worker_launch`` (as root, which then becomes ``user``) when the user is another."""
    control, control_child = socket.socketpair()
    events, events_child = socket.socketpair()
    fds = (control_child.fileno(), events_child.fileno())
    args = ["--control-fd", str(fds[0]), "--events-fd", str(fds[1]), *worker_args]
    if user.separate:
        secrets = [p for s in hide for p in (s, Path(f"{s}-wal"), Path(f"{s}-shm"), Path(f"{s}.tmp"))]
        command = [sys.executable, "-m", "gda_bridge.server.worker_launch", "--user", user.name,
                   *(f"--need={p}" for p in need), *(f"--hide={p}" for p in secrets), "--", *args]
    else:
        command = [sys.executable, "-m", "gda_bridge.server.worker_process", *args]
    try:
        process = subprocess.Popen(command, pass_fds=fds, close_fds=True, env=worker_env(user),
                                   stdin=subprocess.DEVNULL, start_new_session=True)
    finally:
        control_child.close()
        events_child.close()
    return Spawned(process, control, events)


def describe(user: WorkerUser) -> str:
    if user.separate:
        return (f"the worker process runs as {user.name} (uid {user.uid}): submitted code cannot read the "
                "token file or the queue database, nor signal or read the API process")
    return (f"the worker process runs as the server's own user {user.name}: it is a separate process without "
            "the server's memory, file handles or secret environment, but submitted code CAN read and change "
            "files this user can (the token file's hashes, the queue database) and signal the server; run the "
            "server as root (the worker then runs as nobody) or under a dedicated account to close that")
