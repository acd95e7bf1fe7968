"""Point Channel Access at the reserved IOC ports before anything imports pyepics' libca."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from gda_bridge.sim_ioc.testing import (  # noqa: F401
    DEFAULT_ARGS,
    SimIOC,
    configure_client_environment,
    ioc_pool,
    sim_ioc,
    spare_ioc,
)

configure_client_environment(n_ports=12)


@pytest.fixture(scope="module")
def fault_ioc() -> Iterator[SimIOC]:
    """A simulated beamline whose m2 has its hardware limit switches at dial -3 and 1.2, and whose
    m3 ends every move 0.01 short of its target."""
    ioc = ioc_pool().start(args=(*DEFAULT_ARGS, "--switches", "m2=-3:1.2", "--shortfall", "m3=0.01"))
    yield ioc
    ioc.stop()


@dataclass
class CaprotoIOC:
    prefix: str
    process: subprocess.Popen[str]

    def pv(self, suffix: str) -> str:
        return f"{self.prefix}{suffix}"


@pytest.fixture(scope="module")
def fake_motor_ioc() -> Iterator[CaprotoIOC]:
    """caproto's ``fake_motor_record`` example IOC (mtr1..3) on a reserved loopback port.

    Its put-callback on VAL completes at once; DMOV goes 1 -> 0 -> 1 later, on a 10 Hz tick.
    """
    port = ioc_pool().next_port()
    prefix = f"FM{port}:"
    env = dict(os.environ, EPICS_CA_SERVER_PORT=str(port), EPICS_CAS_SERVER_PORT=str(port),
               EPICS_CAS_INTF_ADDR_LIST="127.0.0.1", EPICS_CAS_AUTO_BEACON_ADDR_LIST="NO",
               EPICS_CAS_BEACON_ADDR_LIST="127.0.0.1")
    process = subprocess.Popen(
        [sys.executable, "-m", "caproto.ioc_examples.fake_motor_record", "--prefix", prefix, "--list-pvs"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, env=env, text=True,
        start_new_session=True)
    log: list[str] = []
    ready = threading.Event()

    def read_log() -> None:  # caproto logs to stdout, "Server startup complete" once it listens
        assert process.stdout is not None
        for line in process.stdout:
            log.append(line)
            if "Server startup complete" in line:
                ready.set()

    reader = threading.Thread(target=read_log, daemon=True)
    reader.start()
    try:
        if not ready.wait(20):
            raise RuntimeError(f"fake_motor_record not ready within 20 s (exit {process.poll()}):\n{''.join(log)}")
        yield CaprotoIOC(prefix, process)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        reader.join(5)
        assert process.stdout is not None
        process.stdout.close()
