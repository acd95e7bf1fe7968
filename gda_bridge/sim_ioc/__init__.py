"""A simulated beamline IOC speaking real Channel Access on 127.0.0.1 (built on pcaspy's server).

Run it with ``python -m gda_bridge.sim_ioc --prefix BL99:`` (or ``gda-bridge sim-ioc``), or from
Python with :func:`start_ioc`. It never imports pyepics: it is the other end of the wire. Importing
this package does not import pcaspy either; only the IOC process does.
"""

from ._constants import LOOPBACK, READY_MARKER
from ._process import (
    IOCStartError,
    SimIOC,
    client_environment,
    port_range,
    random_prefix,
    reserve_ports,
    start_ioc,
)

__all__ = [
    "LOOPBACK", "READY_MARKER", "IOCStartError", "SimIOC", "client_environment", "main",
    "port_range", "random_prefix", "reserve_ports", "start_ioc",
]


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``gda-bridge sim-ioc`` (see ``--help``)."""
    from ._cli import main as run

    return run(argv)
