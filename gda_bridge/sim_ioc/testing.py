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
from collections.abc import Iterator

import pytest

from ._process import SimIOC, client_environment, reserve_ports, start_ioc

__all__ = ["IOCPool", "SimIOC", "configure_client_environment", "ioc_pool", "sim_ioc", "spare_ioc"]


class IOCPool:
    """Ports reserved before the first CA call; each IOC started takes the next one."""

    def __init__(self, n_ports: int) -> None:
        self.ports = reserve_ports(n_ports)
        self._next = 0

    def environment(self) -> dict[str, str]:
        return client_environment(self.ports)

    def take_port(self) -> int:
        """The next reserved port, for another server (e.g. one of caproto's example IOCs)."""
        if self._next >= len(self.ports):
            raise RuntimeError(
                f"all {len(self.ports)} reserved IOC ports are used; "
                "call configure_client_environment(n_ports=...) with more")
        self._next += 1
        return self.ports[self._next - 1]

    def start(self, prefix: str | None = None, args: tuple[str, ...] = ()) -> SimIOC:
        return start_ioc(prefix=prefix, port=self.take_port(), args=args)

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
