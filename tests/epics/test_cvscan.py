"""cvscan against the simulated IOC: m1 flown once per line, the Zebra-like box triggering the
MCS at each demand, the bins read back into a file laid out as a step scan's."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator

import epics
import h5py
import numpy as np
import pytest
from cli_processes import home_motor
from motor_scan_helpers import caget, caput

from gda_bridge.commands import cvscan
from gda_bridge.core.errors import GdaBridgeError, ScanAbortedError
from gda_bridge.epics import EpicsMotor, McsDetector, PositionCompareBox
from gda_bridge.nexus import NexusWriter
from gda_bridge.sim_ioc import SimIOC

MRES = 1e-5  # the simulated motors' resolution: one encoder count
VELO, ACCL = 1.0, 0.05


@pytest.fixture
def devices(sim_ioc: SimIOC) -> Iterator[tuple[EpicsMotor, EpicsMotor, McsDetector]]:
    base = sim_ioc.pv("m1")
    velo = caget(base + ".VELO")
    caput(base + ".VELO", VELO)
    caput(base + ".ACCL", ACCL)
    m1, m2 = EpicsMotor("m1", base), EpicsMotor("m2", sim_ioc.pv("m2"))
    box = PositionCompareBox("zebra", sim_ioc.pv("ZEBRA:"), motor=m1, encoder=1)
    mcs = McsDetector("mcs", sim_ioc.pv("MCS:"))
    yield m1, m2, mcs
    for device in (m1, m2, box, mcs):
        device.close()
    home_motor(sim_ioc, "m1", velo)
    home_motor(sim_ioc, "m2", caget(sim_ioc.pv("m2.VELO")))



@pytest.fixture
def files(ctx, data_dir):
    writer = NexusWriter(data_dir, "t")
    ctx.stream.subscribe(writer, critical=True)
    return lambda: h5py.File(writer.path, "r")


def test_one_motion_gives_every_bin_at_its_captured_position(devices, files, sim_ioc):
    m1, _, mcs = devices
    s = cvscan(m1, -0.4, 0.6, 0.025, mcs, 0.01)
    assert s.status == "COMPLETED_OKAY"
    demands = -0.4 + 0.025 * np.arange(41)
    with files() as f:
        inst = f["entry1/instrument"]
        np.testing.assert_allclose(inst["m1/m1_set"][()], demands, atol=1e-12)
        captured = inst["m1/m1"][()]
        assert np.abs(captured - demands).max() <= MRES, "within one encoder count of the trigger"
        clock = inst["mcs/clock"][()]
        det = inst["mcs/det"][()]
    # each bin is one step at v = 0.025 / 0.01 = 2.5 mm/s: 10 ms of the 10 MHz-ish clock
    np.testing.assert_allclose(clock, np.median(clock), rtol=0.02)
    assert abs(demands[det.argmax()] + 0.0125 - 0.1) <= 0.05, "the peak of m1 at 0.1 is where it is"
    assert caget(sim_ioc.pv("m1.VELO")) == pytest.approx(VELO), "VELO restored"


def test_an_outer_stepped_motor_gives_a_grid_of_lines(devices, files):
    m1, m2, mcs = devices
    s = cvscan(m2, 0, 0.1, 0.1, m1, 0, 0.2, 0.02, mcs, 0.01)
    assert s.status == "COMPLETED_OKAY"
    with files() as f:
        inst = f["entry1/instrument"]
        assert inst["m1/m1"].shape == (2, 11)
        np.testing.assert_allclose(inst["m2/m2"][()][:, 0], [0, 0.1], atol=1e-3)
        assert np.abs(inst["m1/m1"][()] - inst["m1/m1_set"][()]).max() <= MRES


def test_a_run_down_beyond_the_limit_is_refused_and_nothing_moves(devices, sim_ioc):
    m1, _, mcs = devices
    before = caget(sim_ioc.pv("m1.RBV"))
    with pytest.raises(GdaBridgeError, match=r"m1: the run-down end 10.2 \(beyond the last trigger at 10.05, to reach 5/s in ACCL 0.05 s\) "
                       r"cannot be reached: m1: position 10.2 is outside the limits \(-10:10\)"):
        cvscan(m1, 9, 10, 0.05, mcs, 0.01)
    assert caget(sim_ioc.pv("m1.RBV")) == before
    assert caget(sim_ioc.pv("m1.VELO")) == pytest.approx(VELO)
    assert caget(sim_ioc.pv("ZEBRA:PC_ARM_OUT")) == 0


def test_the_speed_is_capped_at_vmax_with_a_message(devices, files, sim_ioc, caplog):
    m1, _, mcs = devices
    caput(sim_ioc.pv("m1.VMAX"), 2.0)
    with caplog.at_level(logging.WARNING, logger="gda_bridge.epics"):
        s = cvscan(m1, 0, 0.5, 0.05, mcs, 0.01)
    assert s.status == "COMPLETED_OKAY"
    assert "m1: 5/s is needed for 0.01 s per point; the motor's maximum speed (VMAX) is 2/s" in caplog.text
    with files() as f:
        clock = f["entry1/instrument/mcs/clock"][()]
    assert clock.size == 11
    assert caget(sim_ioc.pv("m1.VELO")) == pytest.approx(VELO)


def test_an_abort_mid_line_stops_the_motor_and_keeps_the_bins_taken(devices, files, ctx, sim_ioc):
    m1, _, mcs = devices
    ended: list = []

    def fly() -> None:
        try:
            cvscan(m1, 0, 4, 0.01, mcs, 0.005)
        except ScanAbortedError as exc:
            ended.append(exc)

    scanning = threading.Thread(target=fly)
    started = threading.Event()
    box_armed = epics.get_pv(sim_ioc.pv("ZEBRA:PC_NUM_CAP"), auto_monitor=True,
                             callback=lambda value=0, **_: value >= 50 and started.set())
    box_armed.wait_for_connection(5)
    scanning.start()
    try:
        assert started.wait(30), "the line never reached 50 pulses"
        ctx.running.abort_on_request()
    finally:
        scanning.join(30)
    assert ended, "the scan was not aborted"
    assert ctx.last_result.status == "COMPLETED_AFTER_STOP"
    rbv = caget(sim_ioc.pv("m1.RBV"))
    assert rbv < 3.5, "stopped well before the end of the line"
    assert epics.caget(sim_ioc.pv("m1.DMOV"), use_monitor=False) == 1
    assert caget(sim_ioc.pv("m1.VELO")) == pytest.approx(VELO)
    with files() as f:
        taken = f["entry1/instrument/m1/m1"][()]
        kept = taken[np.isfinite(taken)] if taken.dtype.kind == "f" else taken
    assert 49 <= len(kept) < 400, "the bins closed before the abort (50 pulses: 49 bins), not all"
