"""A Channel Access repeater for the clients of our IOCs: caproto's, on a port of the port range.

libca (pyepics) registers with the repeater on EPICS_CA_REPEATER_PORT when it makes its first
context; when nothing listens there it spawns EPICS base's ``caRepeater`` executable, which the
pip wheel of pyepics does not ship, and prints "The executable "caRepeater" couldn't be
located". So the environment :func:`client_environment` hands out names a repeater that runs:
one per process, started on first need, ended with that process (also if it is killed).
"""

from __future__ import annotations

import atexit
import logging
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

from ._process import port_bindable, reserve_ports

log = logging.getLogger("gda_bridge.sim_ioc")

_lock = threading.Lock()
_repeater: tuple[subprocess.Popen[bytes], int] | None = None


def ensure_repeater(timeout: float = 10.0) -> int:
    """The port of this process's repeater, started now if it is not running."""
    global _repeater
    with _lock:
        if _repeater is not None and _repeater[0].poll() is None:
            return _repeater[1]
        port = reserve_ports(1)[0]
        errors = tempfile.TemporaryFile()  # not a pipe: nobody reads it while the repeater runs
        process = subprocess.Popen(
            [sys.executable, "-m", "gda_bridge.sim_ioc._repeater", str(port), str(os.getpid())],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=errors, start_new_session=True)
        with errors:  # the repeater keeps its own descriptor of it
            deadline = time.monotonic() + timeout
            while port_bindable(socket.SOCK_DGRAM, port):  # bound by the repeater once it listens
                if process.poll() is not None or time.monotonic() > deadline:
                    process.kill()
                    process.wait()
                    errors.seek(0)
                    err = errors.read().decode(errors="replace").strip()
                    raise OSError(f"the CA repeater on UDP port {port} did not start: {err or 'timed out'}")
                time.sleep(0.01)
        atexit.register(_stop, process)
        _repeater = (process, port)
        log.debug("CA repeater on UDP port %d (pid %d)", port, process.pid)
        return port


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()


def _end_with_parent(parent: int) -> None:
    """SIGTERM this process when its parent dies (Linux), so a killed parent leaves no repeater."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        log.debug("cannot tie the repeater to its parent (not Linux?)")
    if os.getppid() != parent:  # it died before the prctl
        sys.exit(0)


def main(argv: list[str]) -> None:
    port, parent = int(argv[0]), int(argv[1])
    _end_with_parent(parent)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    os.environ["EPICS_CA_REPEATER_PORT"] = str(port)
    from caproto.sync.repeater import run

    run()


if __name__ == "__main__":
    main(sys.argv[1:])
