"""Ctrl-C in the middle of a fly scan of an EpicsMotor, in real processes: ``gda-bridge run`` getting
SIGINT, and the console in a real pseudo-terminal; each leaves the motor stopped, VELO restored."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path

import pexpect
import pytest
from cli_processes import ANSI, PROMPT, home_motor, spawn_cli, wait_done_moving
from motor_scan_helpers import caget, caput

from gda_bridge.sim_ioc import SimIOC

VELO = 2.0
FLY = "flyscan m1 0 4 0.1 det 0.05 0.05"  # 1/s: the fly takes 4 s; the Ctrl-C comes after ~0.3 s


@pytest.fixture
def beamline(tmp_path: Path, sim_ioc: SimIOC) -> Iterator[Path]:
    velo = caget(sim_ioc.pv("m1.VELO"))
    caput(sim_ioc.pv("m1.VMAX"), 0.0)
    caput(sim_ioc.pv("m1.VELO"), 1e6)
    caput(sim_ioc.pv("m1.ACCL"), 0.0)
    caput(sim_ioc.pv("m1.VAL"), 0.0)
    caput(sim_ioc.pv("m1.VELO"), VELO)
    caput(sim_ioc.pv("m1.ACCL"), 0.1)  # a run-up of 0.05 at 1/s
    config = tmp_path / "bl.toml"
    config.write_text(f"""[beamline]
name = "bl99"
data_dir = "{tmp_path / 'data'}"

[devices.m1]
driver = "epics_motor"
pv = "{sim_ioc.pv('m1')}"

[devices.det]
driver = "gaussian_counter"
motor = "@m1"
""")
    yield config
    home_motor(sim_ioc, "m1", velo)


def _stopped_with_velo_restored(sim_ioc: SimIOC) -> None:
    wait_done_moving(sim_ioc)
    assert caget(sim_ioc.pv("m1.MOVN")) == 0
    assert 0.0 < caget(sim_ioc.pv("m1.RBV")) < 2.0  # stopped mid-fly, not run to the end
    assert caget(sim_ioc.pv("m1.VELO")) == VELO


@pytest.mark.slow
def test_sigint_to_gda_bridge_run_mid_fly_stops_the_motor_and_restores_velo(tmp_path, beamline, sim_ioc):
    script = tmp_path / "fly.py"
    script.write_text(FLY + "\n")
    child = spawn_cli(tmp_path, "run", "--config", str(beamline), str(script))
    child.expect(r"m1 flies from -0\.05 to 4\.05 at 1/s")
    child.expect(r" 0\.[12]\d{3} ")  # a point near 0.1 or 0.2: flying
    child.kill(signal.SIGINT)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus != 0 or child.signalstatus == signal.SIGINT
    _stopped_with_velo_restored(sim_ioc)


@pytest.mark.slow
def test_ctrl_c_then_abort_in_the_console_mid_fly_stops_the_motor_and_restores_velo(tmp_path, beamline, sim_ioc):
    child = spawn_cli(tmp_path, "console", "--config", str(beamline))
    child.expect(PROMPT)
    child.sendline(FLY)
    child.expect(r" 0\.[12]\d{3} ")  # a point near 0.1 or 0.2: flying
    child.sendintr()
    child.expect("Scan paused: c = continue")
    child.sendline("a")
    child.expect("Scan aborted on request")
    child.expect(PROMPT)
    _stopped_with_velo_restored(sim_ioc)
    child.sendline("m1.fly_speed()")
    child.expect(rf"Out\[{ANSI}\d+{ANSI}\]: {ANSI}2\.0")
    child.expect(PROMPT)
    child.sendline("exit")
    child.expect(pexpect.EOF)
