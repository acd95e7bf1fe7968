"""EpicsPositionCompare and EpicsMcs against the simulated IOC: one hardware-triggered line of a
fly scan (box pulses on m1's real motion, MCS bins, camera frames), disarm, and clear timeouts."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import epics
import numpy as np
import pytest

from gda_bridge.core.errors import DeviceError
from gda_bridge.epics import EpicsMcs, EpicsPositionCompare
from gda_bridge.sim_ioc import SimIOC

VELO, ACCL = 2.0, 0.2


def put(pvname: str, value: object, wait: bool = True) -> None:
    assert epics.get_pv(pvname, connect=True).put(value, wait=wait, timeout=10) is not None


def get(pvname: str) -> object:
    return epics.caget(pvname, use_monitor=False, timeout=5)


@pytest.fixture
def m1(sim_ioc: SimIOC) -> Iterator[str]:
    """m1 at VELO 2 with ACCL 0.2 (restored to instant acceleration afterwards)."""
    base = sim_ioc.pv("m1")
    put(base + ".VELO", VELO)
    put(base + ".ACCL", ACCL)
    yield base
    put(base + ".STOP", 1)
    put(base + ".ACCL", 0.0)
    put(base + ".VELO", 1.0)


@pytest.fixture
def pc(sim_ioc: SimIOC) -> Iterator[EpicsPositionCompare]:
    box = EpicsPositionCompare("pc", sim_ioc.pv("ZEBRA:"))
    yield box
    box.disarm()
    box.close()


@pytest.fixture
def mcs(sim_ioc: SimIOC) -> Iterator[EpicsMcs]:
    device = EpicsMcs("mcs", sim_ioc.pv("MCS:"))
    yield device
    device.stop()
    device.close()


def jump(motor: str, position: float) -> None:
    """Put the motor at ``position`` at once (VELO and ACCL as they were afterwards)."""
    velo, accl = get(motor + ".VELO"), get(motor + ".ACCL")
    put(motor + ".ACCL", 0.0)
    put(motor + ".VELO", 1e9)
    put(motor, position)
    put(motor + ".VELO", velo)
    put(motor + ".ACCL", accl)


def test_a_move_takes_distance_over_velo_plus_accl(m1: str) -> None:
    jump(m1, 0.0)
    began = time.monotonic()
    put(m1, 1.0)
    took = time.monotonic() - began
    assert took == pytest.approx(1.0 / VELO + ACCL, abs=0.1)
    assert get(m1 + ".RBV") == 1.0


@pytest.mark.parametrize("start, step", [(-0.5, 0.1), (0.5, -0.1)])
def test_a_fly_line_gives_n_positions_n_bins_and_n_frames(sim_ioc: SimIOC, m1: str, pc: EpicsPositionCompare,
                                                           mcs: EpicsMcs, start: float, step: float) -> None:
    n = 11
    run_up = 0.5 * VELO * ACCL + 0.05
    sign = 1 if step > 0 else -1
    jump(m1, start - sign * run_up)
    cam = sim_ioc.pv("cam1:")
    for name, v in (("ImageMode", 1), ("NumImages", n), ("TriggerMode", 1), ("AcquireTime", 0.005),
                    ("AcquirePeriod", 0.0)):
        put(cam + name, v)
    frames = epics.get_pv(cam + "Acquire", connect=True)
    done = threading.Event()
    assert frames.put(1, wait=False, use_complete=True, callback=lambda **_: done.set()) is not None
    try:
        pc.configure_line(start, step, n)
        mcs.configure(n)
        mcs.start()
        pc.arm()
        put(m1, start + step * (n - 1) + sign * run_up)
        pc.wait_done(5)
        mcs.wait_done(5)
        assert done.wait(5), "the camera did not finish its frames"
    finally:
        put(cam + "Acquire", 0)
        put(cam + "TriggerMode", 0)
        put(cam + "ImageMode", 0)
    positions, times = pc.captured()
    demands = start + step * np.arange(n)
    assert pc.num_captured() == n and len(positions) == n
    assert np.all(np.abs(positions - demands) <= get(m1 + ".MRES"))
    assert np.all(np.diff(times) == pytest.approx(abs(step) / VELO, abs=1e-6))  # cruising at VELO
    assert get(cam + "NumImagesCounter_RBV") == n
    assert get(sim_ioc.pv("ZEBRA:SIM_CAM_MISSED")) == 0
    counts = mcs.counts()
    assert all(len(c) == n for c in counts.values())
    assert np.allclose(counts[1][1:], 50e6 * abs(step) / VELO, rtol=1e-5)  # the clock, bin by bin
    top = int(np.argmax(counts[2][1:])) + 1  # bin k: from pulse k-1 to pulse k
    middle = (demands[top - 1] + demands[top]) / 2
    assert abs(middle - 0.1) <= abs(step)  # the peak (centre 0.1) is in the bin where it is
    assert counts[2][top] > 5 * min(counts[2][1], counts[2][-1])


def test_an_unarmed_box_fires_nothing(sim_ioc: SimIOC, m1: str, pc: EpicsPositionCompare, mcs: EpicsMcs) -> None:
    jump(m1, -0.8)
    pc.configure_line(-0.5, 0.1, 5)
    pc.disarm()
    before = pc.num_captured()
    mcs.configure(5)
    mcs.start()
    put(m1, 0.5)
    assert pc.num_captured() == before and mcs.current_bin() == 0
    with pytest.raises(DeviceError, match=r"mcs: acquisition not complete within 0\.2 s, 0 of 5 bins closed "
                                          r"\(.*MCS:EraseStart still busy\)"):
        mcs.wait_done(0.2)
    mcs.stop()
    mcs.wait_done(5)
    assert not mcs.acquiring


def test_disarm_mid_move_stops_the_pulses(sim_ioc: SimIOC, m1: str, pc: EpicsPositionCompare) -> None:
    jump(m1, -0.8)
    pc.configure_line(-0.5, 0.05, 21)
    pc.arm()
    seen = threading.Condition()
    counts: list[int] = []

    def on_count(value: object, **_: object) -> None:
        with seen:
            counts.append(int(value))  # type: ignore[call-overload]
            seen.notify_all()

    monitor = epics.PV(sim_ioc.pv("ZEBRA:PC_NUM_CAP"), callback=on_count)
    try:
        put(m1, 0.8, wait=False)
        with seen:
            assert seen.wait_for(lambda: counts and counts[-1] >= 3, 5)
        pc.disarm()
        stopped_at = pc.num_captured()
        put(m1, 0.8)  # waits for the end of the move
    finally:
        monitor.disconnect()
    assert 3 <= stopped_at < 21
    assert pc.num_captured() == stopped_at and len(pc.captured()[0]) == stopped_at
    assert not pc.armed


def test_a_box_that_never_fires_is_a_clear_error(sim_ioc: SimIOC, m1: str, pc: EpicsPositionCompare) -> None:
    jump(m1, 0.0)
    pc.configure_line(5.0, 0.1, 3)
    pc.arm()
    with pytest.raises(DeviceError, match=r"pc: still armed after 0\.2 s, 0 pulses captured "
                                          r"\(.*ZEBRA:PC_ARM_OUT is 1\)"):
        pc.wait_done(0.2)
