"""gda-bridge's own processes (``run``, ``console``) against the session's simulated IOC, for the
tests that interrupt a scan in them, and leaving the IOC's motors as the other tests expect."""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

import epics
import pexpect
from motor_scan_helpers import caget, caput

from gda_bridge.sim_ioc import SimIOC

REPO = Path(__file__).resolve().parents[2]
ANSI = r"(?:\x1b\[[0-9;?]*[A-Za-z])*"
PROMPT = rf"In \[{ANSI}\d+{ANSI}\]: "


def spawn_cli(tmp_path: Path, *args: str) -> pexpect.spawn:
    """``python -m gda_bridge.cli.main *args`` in a real pseudo-terminal, with its own home."""
    env = {**os.environ, "GDA_BRIDGE_HOME": str(tmp_path / "home"), "GDA_BRIDGE_JVM_HEAP": "128m",
           "PYTHONPATH": str(REPO), "TERM": "xterm", "PYTHONUNBUFFERED": "1"}
    return pexpect.spawn(sys.executable, ["-m", "gda_bridge.cli.main", *args], env=env, encoding="utf-8",
                         timeout=60, dimensions=(40, 160))


def wait_done_moving(sim_ioc: SimIOC, motor: str = "m1", timeout: float = 5.0) -> None:
    """A stopped motor decelerates over ACCL before DMOV says done: wait for it (monitor event)."""
    done = threading.Event()
    pv = epics.get_pv(sim_ioc.pv(f"{motor}.DMOV"), auto_monitor=True,
                      callback=lambda value=0, **_: value == 1 and done.set())
    try:
        assert pv.wait_for_connection(5)
        if caget(sim_ioc.pv(f"{motor}.DMOV")) != 1:
            assert done.wait(timeout), f"{motor} still moving {timeout} s after the scan ended"
    finally:
        pv.clear_callbacks()


def home_motor(sim_ioc: SimIOC, motor: str, velo: float) -> None:
    """Leave the motor as the other tests expect it: stopped at 0, no ACCL or VMAX, VELO ``velo``."""
    base = sim_ioc.pv(motor)
    caput(base + ".STOP", 1)
    caput(base + ".ACCL", 0.0)
    caput(base + ".VMAX", 0.0)
    caput(base + ".VELO", 1e6)
    caput(base + ".VAL", 0.0)
    caput(base + ".VELO", velo)
