"""pytest fixtures that run the simulated IOC as a subprocess on 127.0.0.1.

pyepics reads the EPICS environment once, at its first Channel Access call, so the ports of every
IOC a test session will start are chosen up front. Call :func:`configure_client_environment` at
import time of your ``conftest.py`` (before anything touches CA), and import the fixtures there::

    # tests/mydetector/conftest.py
    from gda_bridge.sim_ioc.testing import configure_client_environment, sim_ioc, spare_ioc  # noqa: F401

    configure_client_environment()

``sim_ioc`` is one IOC for the whole session (never restarted under live channels: reconnecting
takes 4-7 s). ``spare_ioc`` is a fresh IOC for one test that may kill it; each uses up one of the
ports reserved at configuration.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest

from ._process import SimIOC, bind_udp_in_range, client_environment, reserve_ports, start_ioc

__all__ = [
    "CaprotoIOC", "IOCPool", "SimIOC", "caproto_example", "configure_client_environment", "ioc_pool", "sim_ioc", "spare_ioc",
]


class IOCPool:
    """Ports reserved before the first CA call; each IOC started takes the next one."""

    def __init__(self, n_ports: int) -> None:
        self.ports = reserve_ports(n_ports)
        self._next = 0

    def environment(self) -> dict[str, str]:
        return client_environment(self.ports)

    def next_port(self) -> int:
        """The next reserved port, for any IOC a test starts (ours or a third-party one)."""
        if self._next >= len(self.ports):
            raise RuntimeError(
                f"all {len(self.ports)} reserved IOC ports are used; "
                "call configure_client_environment(n_ports=...) with more")
        self._next += 1
        return self.ports[self._next - 1]

    def start(self, prefix: str | None = None, args: tuple[str, ...] = ()) -> SimIOC:
        return start_ioc(prefix=prefix, port=self.next_port(), args=args)

    def restart(self, ioc: SimIOC) -> SimIOC:
        """A new IOC with the prefix, port and arguments of ``ioc`` (which must have exited): to
        clients it is the same IOC restarted (they reconnect in 4-7 s)."""
        if ioc.alive:
            raise RuntimeError(f"sim-ioc {ioc.prefix} is still running; kill or stop it first")
        return start_ioc(prefix=ioc.prefix, port=ioc.port, args=ioc.args)


_pool: IOCPool | None = None


def configure_client_environment(n_ports: int = 8) -> IOCPool:
    """Reserve IOC ports and point the CA client environment at them (first call wins)."""
    global _pool
    if _pool is None:
        _pool = IOCPool(n_ports)
        os.environ.update(_pool.environment())
    return _pool


def ioc_pool() -> IOCPool:
    if _pool is None:
        raise RuntimeError("call gda_bridge.sim_ioc.testing.configure_client_environment() in conftest.py "
                           "at import time, before any Channel Access call")
    return _pool


#: Small frames keep the session fast; tests that need the default size start their own IOC.
DEFAULT_ARGS = ("--frame-size", "256x192", "--seed", "1")


@pytest.fixture(scope="session")
def sim_ioc() -> Iterator[SimIOC]:
    """One simulated beamline for the session (random prefix, 127.0.0.1, 256x192 frames)."""
    ioc = ioc_pool().start(args=DEFAULT_ARGS)
    yield ioc
    ioc.stop()


@pytest.fixture
def spare_ioc() -> Iterator[SimIOC]:
    """A fresh simulated beamline for one test, which may kill it."""
    ioc = ioc_pool().start(args=DEFAULT_ARGS)
    yield ioc
    ioc.stop()


@dataclass
class CaprotoIOC:
    """A running caproto example IOC: its prefix and process."""

    prefix: str
    process: subprocess.Popen[str]

    def pv(self, suffix: str) -> str:
        return f"{self.prefix}{suffix}"


@contextmanager
def caproto_example(module: str, prefix: str, startup_timeout: float = 20.0) -> Iterator[CaprotoIOC]:
    """One of caproto's example IOCs (``caproto.ioc_examples.<module>``) as a third-party server on
    the next reserved loopback port, ready once it logs "Server startup complete"; its process
    group is ended on exit."""
    port = ioc_pool().next_port()
    beacons = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)  # its beacons go to a port of ours
    beacon_port = bind_udp_in_range(beacons, avoid=(port,))  # the server binds UDP on its port too
    env = os.environ | {
        "EPICS_CA_SERVER_PORT": str(port), "EPICS_CAS_SERVER_PORT": str(port),
        "EPICS_CAS_INTF_ADDR_LIST": "127.0.0.1", "EPICS_CAS_AUTO_BEACON_ADDR_LIST": "NO",
        "EPICS_CAS_BEACON_ADDR_LIST": "127.0.0.1", "EPICS_CAS_BEACON_PORT": str(beacon_port),
    }
    process = subprocess.Popen(
        [sys.executable, "-u", "-m", f"caproto.ioc_examples.{module}", "--prefix", prefix, "--list-pvs"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True,
        start_new_session=True)
    log: list[str] = []
    ready = threading.Event()

    def drain() -> None:  # reads the log so the pipe never fills; marks the start-up line
        assert process.stdout is not None
        for line in process.stdout:
            log.append(line)
            if "Server startup complete" in line:
                ready.set()

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        if not ready.wait(startup_timeout):
            raise RuntimeError(f"caproto {module} not ready within {startup_timeout:g} s "
                               f"(exit {process.poll()}):\n{''.join(log)}")
        yield CaprotoIOC(prefix, process)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        reader.join(5)
        beacons.close()
        assert process.stdout is not None
        process.stdout.close()
