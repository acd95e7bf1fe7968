"""Point Channel Access at the reserved IOC ports before anything imports pyepics' libca."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from gda_bridge.sim_ioc.testing import (  # noqa: F401
    DEFAULT_ARGS,
    CaprotoIOC,
    SimIOC,
    caproto_example,
    configure_client_environment,
    ioc_pool,
    sim_ioc,
    spare_ioc,
)

configure_client_environment(n_ports=24)


@pytest.fixture(scope="module")
def fault_ioc() -> Iterator[SimIOC]:
    """A simulated beamline whose m2 has its hardware limit switches at dial -3 and 1.2, and whose
    m3 ends every move 0.01 short of its target."""
    ioc = ioc_pool().start(args=(*DEFAULT_ARGS, "--switches", "m2=-3:1.2", "--shortfall", "m3=0.01"))
    yield ioc
    ioc.stop()


@pytest.fixture(scope="module")
def fake_motor_ioc() -> Iterator[CaprotoIOC]:
    """caproto's ``fake_motor_record`` example IOC (mtr1..3) on a reserved loopback port.

    Its put-callback on VAL completes at once; DMOV goes 1 -> 0 -> 1 later, on a 10 Hz tick.
    """
    prefix = f"FM{os.getpid()}:"
    with caproto_example("fake_motor_record", prefix) as ioc:
        yield ioc
