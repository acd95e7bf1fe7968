"""Start the simulated IOC as a subprocess and stop it: used by the pytest fixtures and the demo.

This module does not import pyepics. It hands back the environment a Channel Access client needs;
pyepics reads that environment once, at its first CA call, so set it before any.
"""

from __future__ import annotations

import logging
import os
import random
import secrets
import selectors
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ._constants import LOOPBACK, READY_MARKER

log = logging.getLogger("gda_bridge.sim_ioc")

#: Enough for a 4096x4096 uint16 frame; pyepics' own default (16 MB) would do for 2048x2048.
MAX_ARRAY_BYTES = 64 * 1024 * 1024


class IOCStartError(RuntimeError):
    """The simulated IOC did not become ready."""


@dataclass
class SimIOC:
    """A running simulated IOC: its PV prefix, its port and the process (own process group)."""

    prefix: str
    port: int
    process: subprocess.Popen[str]
    log_path: Path
    args: Sequence[str] = field(default_factory=tuple)

    def pv(self, suffix: str) -> str:
        """The full PV name of ``suffix``, e.g. ``ioc.pv("m1.RBV")``."""
        return f"{self.prefix}{suffix}"

    @property
    def env(self) -> dict[str, str]:
        """What a CA client needs to reach this IOC alone."""
        return client_environment([self.port])

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self, timeout: float = 5.0) -> int | None:
        """SIGTERM the process group, then SIGKILL if it has not gone within ``timeout``."""
        if self.alive:
            _signal_group(self.process, signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                log.warning("sim-ioc %s ignored SIGTERM for %.1f s; killing it", self.prefix, timeout)
                self.kill()
        if self.process.stdout is not None:
            self.process.stdout.close()
        self.log_path.unlink(missing_ok=True)
        return self.process.returncode

    def kill(self) -> None:
        """SIGKILL the process group now (what a crashed IOC looks like to its clients)."""
        if self.alive:
            _signal_group(self.process, signal.SIGKILL)
            self.process.wait()

    def __enter__(self) -> SimIOC:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _signal_group(process: subprocess.Popen[str], sig: signal.Signals) -> None:
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        pass


def random_prefix() -> str:
    """A PV prefix no other test run uses, e.g. ``T3fa9c1:``."""
    return f"T{secrets.token_hex(3)}:"


def client_environment(ports: Iterable[int]) -> dict[str, str]:
    """Environment for a CA client that searches only the given IOC ports on 127.0.0.1, with a CA
    repeater of its own (started once per process: see _repeater)."""
    from ._repeater import ensure_repeater

    ports = list(ports)
    return {
        "EPICS_CA_REPEATER_PORT": str(ensure_repeater()),
        "EPICS_CA_ADDR_LIST": " ".join(f"{LOOPBACK}:{p}" for p in ports),
        "EPICS_CA_AUTO_ADDR_LIST": "NO",
        "EPICS_CA_SERVER_PORT": str(ports[0]),
        "EPICS_CA_MAX_ARRAY_BYTES": str(MAX_ARRAY_BYTES),
    }


def port_bindable(kind: socket.SocketKind, port: int) -> bool:
    """Whether ``port`` of this kind (TCP or UDP) is free on 127.0.0.1.

    UDP without SO_REUSEADDR: a bind succeeds only if nobody holds the port. TCP with it, as the
    CA server binds: connections of an IOC that just died (TIME_WAIT) do not hold the port for its
    restart, a live listener does.
    """
    with socket.socket(socket.AF_INET, kind) as probe:
        if kind == socket.SOCK_STREAM:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((LOOPBACK, port))
        except OSError:
            return False
    return True


def _port_free(port: int) -> bool:
    return port_bindable(socket.SOCK_STREAM, port) and port_bindable(socket.SOCK_DGRAM, port)


PORT_RANGE_VAR = "GDA_BRIDGE_PORT_RANGE"


def port_range() -> range:
    """The ports gda-bridge may choose by itself: $GDA_BRIDGE_PORT_RANGE ("34000-34999", both
    ends included) on a shared host; else from 10000 to below the kernel's ephemeral range, where
    the kernel never hands them to outgoing connections meanwhile."""
    text = os.environ.get(PORT_RANGE_VAR, "").strip()
    if text:
        low, sep, high = text.partition("-")
        try:
            first, last = int(low), int(high)
        except ValueError:
            first = last = -1
        if not sep or not 1024 <= first <= last <= 65535:
            raise ValueError(f"{PORT_RANGE_VAR}={text!r} is not FIRST-LAST with 1024 <= FIRST <= LAST <= 65535, e.g. 34000-34999")
        return range(first, last + 1)
    try:
        low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        low = 32768
    return range(10000, max(low, 12000))


def reserve_ports(count: int) -> list[int]:
    """Pick ``count`` ports of :func:`port_range` free for TCP and UDP on 127.0.0.1; an IOC started
    later on one of them binds it exactly (or fails with a clear message)."""
    ports = port_range()
    chosen: list[int] = []
    for port in random.sample(ports, len(ports)):
        if len(chosen) == count:
            break
        if _port_free(port):
            chosen.append(port)
    if len(chosen) < count:
        raise OSError(f"only {len(chosen)} of the {count} ports needed are free in {ports.start}-{ports.stop - 1} ({PORT_RANGE_VAR})")
    return chosen


def _ioc_ports_of_clients() -> set[int]:
    """The ports this environment's clients look for IOCs on (EPICS_CA_ADDR_LIST's host:port)."""
    ports = set()
    for entry in os.environ.get("EPICS_CA_ADDR_LIST", "").split():
        _, sep, port = entry.rpartition(":")
        if sep and port.isdigit():
            ports.add(int(port))
    return ports


def bind_udp_in_range(sock: socket.socket, avoid: Collection[int] = ()) -> int:
    """Bind the UDP socket (a beacon's) to a free port of :func:`port_range` on 127.0.0.1 and
    return the port; never to one of ``avoid`` (the port of the IOC about to start, free until
    its server binds it) or a port the clients look for an IOC on, which an IOC started or
    restarted later on that port must be able to bind."""
    taken = _ioc_ports_of_clients() | set(avoid)
    for port in random.sample(port_range(), len(port_range())):
        if port in taken:
            continue
        try:
            sock.bind((LOOPBACK, port))
        except OSError:
            continue
        return port
    raise OSError(f"no UDP port is free in {PORT_RANGE_VAR}'s range")


def _package_root() -> str:
    return str(Path(__file__).resolve().parents[2])


def start_ioc(prefix: str | None = None, port: int = 0, args: Sequence[str] = (),
              timeout: float = 20.0) -> SimIOC:
    """Start ``python -m gda_bridge.sim_ioc`` in its own process group; return once it accepts clients.

    ``port=0`` lets the IOC pick a free port (read back from its ready line). Raises
    :class:`IOCStartError` with the IOC's log if it exits or is not ready within ``timeout``.
    """
    prefix = prefix or random_prefix()
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (_package_root(), env.get("PYTHONPATH")) if p)
    handle, log_name = tempfile.mkstemp(prefix="sim-ioc-", suffix=".log")
    cmd = [sys.executable, "-m", "gda_bridge.sim_ioc", "--prefix", prefix, "--port", str(port), *args]
    with os.fdopen(handle, "w") as log_file:
        process = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=log_file, stdin=subprocess.DEVNULL,
                                   env=env, text=True, start_new_session=True)
    ioc = SimIOC(prefix=prefix, port=port, process=process, log_path=Path(log_name), args=tuple(args))
    try:
        ioc.port = _wait_ready(process, timeout)
    except IOCStartError as ex:
        ioc.kill()
        text = ioc.log_text()
        ioc.stop()
        raise IOCStartError(f"{ex}\n{' '.join(cmd)}\n--- sim-ioc log ---\n{text}") from None
    log.info("sim-ioc %s ready on %s:%d (pid %d)", prefix, LOOPBACK, ioc.port, process.pid)
    return ioc


def _wait_ready(process: subprocess.Popen[str], timeout: float) -> int:
    """Read stdout until the ready line (which carries the port); no sleeping."""
    if process.stdout is None:
        raise IOCStartError("sim-ioc started without a stdout pipe")
    deadline = time.monotonic() + timeout
    with selectors.DefaultSelector() as sel:
        sel.register(process.stdout, selectors.EVENT_READ)
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise IOCStartError(f"sim-ioc not ready within {timeout} s")
            if not sel.select(remaining):
                continue
            line = process.stdout.readline()
            if not line:
                process.wait()
                raise IOCStartError(f"sim-ioc exited with code {process.returncode} before it was ready")
            if line.startswith(READY_MARKER):
                fields = dict(item.split("=", 1) for item in line.split()[2:] if "=" in item)
                return int(fields["port"])
