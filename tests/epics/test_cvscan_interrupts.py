"""cvscan from the user's two entry points, in real processes against the simulated IOC:
``gda-bridge run`` with the example-style configuration, SIGINT mid-line, and the console in a
real pseudo-terminal, Ctrl-C then abort; each leaves m1 stopped, VELO restored and the box
disarmed. A limit refusal from the console moves nothing."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from pathlib import Path

import epics
import pexpect
import pytest
from cli_processes import PROMPT, home_motor, spawn_cli
from motor_scan_helpers import caget, caput

from gda_bridge.sim_ioc import SimIOC

VELO = 2.0
FLY = "cvscan m1 0 6 0.01 mcs 0.002"  # 5/s, a 1.2 s line; the interrupt comes once it flies


@pytest.fixture
def beamline(tmp_path: Path, sim_ioc: SimIOC) -> Iterator[Path]:
    velo = caget(sim_ioc.pv("m1.VELO"))
    caput(sim_ioc.pv("m1.VMAX"), 0.0)
    caput(sim_ioc.pv("m1.ACCL"), 0.0)
    caput(sim_ioc.pv("m1.VELO"), 1e6)
    caput(sim_ioc.pv("m1.VAL"), 0.0)
    caput(sim_ioc.pv("m1.VELO"), VELO)
    config = tmp_path / "bl.toml"
    config.write_text(f"""[beamline]
name = "bl99"
data_dir = "{tmp_path / 'data'}"

[devices.m1]
driver = "epics_motor"
pv = "{sim_ioc.pv('m1')}"

[devices.zebra]
driver = "epics_position_compare"
prefix = "{sim_ioc.pv('ZEBRA:')}"
motor = "@m1"

[devices.mcs]
driver = "epics_mcs"
prefix = "{sim_ioc.pv('MCS:')}"
channels = {{ clock = 1, mon = 3, det = 2 }}
""")
    yield config
    home_motor(sim_ioc, "m1", velo)


class Flying:
    """Watches the box's pulse count: the line is flying once a fresh arm (the count back below
    50, as an arm clears it) has been followed by 50 pulses (m1 at 0.5 of 6)."""

    def __init__(self, sim_ioc: SimIOC) -> None:
        self.armed = threading.Event()
        self.seen = threading.Event()
        self.pv = epics.get_pv(sim_ioc.pv("ZEBRA:PC_NUM_CAP"), auto_monitor=True, callback=self._count)
        assert self.pv.wait_for_connection(5)

    def _count(self, value: int = 0, **_: object) -> None:
        if value < 50:
            self.armed.set()
        elif self.armed.is_set():
            self.seen.set()

    def wait(self) -> None:
        try:
            assert self.seen.wait(60), "the line never flew"
        finally:
            self.pv.clear_callbacks()


def _stopped_mid_line(sim_ioc: SimIOC) -> None:
    assert caget(sim_ioc.pv("m1.DMOV")) == 1
    assert caget(sim_ioc.pv("m1.MOVN")) == 0
    assert 0.4 < caget(sim_ioc.pv("m1.RBV")) < 5.5, "stopped mid-line, not run to the end"
    assert caget(sim_ioc.pv("m1.VELO")) == VELO
    assert caget(sim_ioc.pv("ZEBRA:PC_ARM_OUT")) == 0


@pytest.mark.slow
def test_sigint_to_gda_bridge_run_mid_line_stops_the_motor_and_restores_velo(tmp_path, beamline, sim_ioc):
    script = tmp_path / "fly.py"
    script.write_text(FLY + "\n")
    flying = Flying(sim_ioc)
    flying.armed.clear()
    child = spawn_cli(tmp_path, "run", "--config", str(beamline), str(script))
    flying.wait()
    child.kill(signal.SIGINT)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus != 0 or child.signalstatus == signal.SIGINT
    _stopped_mid_line(sim_ioc)


@pytest.mark.slow
def test_ctrl_c_then_abort_in_the_console_mid_line_and_a_refusal_that_moves_nothing(tmp_path, beamline, sim_ioc):
    child = spawn_cli(tmp_path, "console", "--config", str(beamline))
    child.expect(PROMPT)
    child.sendline("cvscan m1 9 10 0.05 mcs 0.01")
    child.expect(r"m1: the run-down end 10\.\d+ \(beyond the last trigger at 10\.05.*outside the limits")
    child.expect(PROMPT)
    assert caget(sim_ioc.pv("m1.RBV")) == 0.0
    flying = Flying(sim_ioc)
    flying.armed.clear()
    child.sendline(FLY)
    flying.wait()
    child.sendintr()
    try:
        child.expect("Scan paused: c = continue")
    except pexpect.TIMEOUT:
        raise AssertionError(child.before[-3000:]) from None
    child.sendline("a")
    child.expect("Scan aborted on request")
    child.expect(PROMPT)
    _stopped_mid_line(sim_ioc)
    child.sendline("exit")
    child.expect(pexpect.EOF)
