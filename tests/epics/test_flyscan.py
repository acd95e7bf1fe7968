"""Software fly scans on an EpicsMotor of the simulated IOC: readbacks near the demands, VMAX, the
limits checked before anything moves, VELO restored after an abort and a failure."""

from __future__ import annotations

import threading

import epics
import h5py
import numpy as np
import pytest

import gda_bridge.commands as cmd
from gda_bridge.commands import flyscan, fscan, pos
from gda_bridge.core.documents import ScanPoint, ScanStatus
from gda_bridge.core.errors import DeviceError, ScanAbortedError
from gda_bridge.devices.sim import GaussianCounter, SimMotor
from gda_bridge.epics import EpicsMotor
from gda_bridge.nexus import NexusWriter
from gda_bridge.sim_ioc import SimIOC
from gda_bridge.sim_ioc._motor import UPDATE_RATE_HZ

#: The IOC posts RBV every 1/UPDATE_RATE_HZ s while moving, and the update reaches the client and
#: wakes the wait within a few ms on loopback (20 ms allowed: the machine is shared): a captured
#: readback is at most one update interval plus that latency beyond its demand, at the fly speed
#: (at 1/s, 0.04). Each point has 80 ms of dead time, so none is collected late.
LATENCY = 1.0 / UPDATE_RATE_HZ + 0.02
VELO = 2.0
ACCL = 0.1  # s: a run-up and run-down of ACCL x v / 2 = 0.05 at 1/s


def caput(pvname: str, value: object) -> None:
    assert epics.get_pv(pvname, connect=True).put(value, wait=True, timeout=10) is not None


def caget(pvname: str) -> float:
    return float(epics.caget(pvname, use_monitor=False, timeout=5))


@pytest.fixture
def m1(sim_ioc: SimIOC):  # noqa: ANN201
    motor = EpicsMotor("m1", sim_ioc.pv("m1"))
    velo = caget(sim_ioc.pv("m1.VELO"))
    caput(sim_ioc.pv("m1.VMAX"), 0.0)
    caput(sim_ioc.pv("m1.ACCL"), 0.0)
    caput(sim_ioc.pv("m1.VELO"), 1e6)
    pos(motor, 0.0)
    caput(sim_ioc.pv("m1.VELO"), VELO)
    caput(sim_ioc.pv("m1.ACCL"), ACCL)  # the simulated motor really accelerates over it
    yield motor
    motor.stop()
    caput(sim_ioc.pv("m1.VMAX"), 0.0)
    caput(sim_ioc.pv("m1.ACCL"), 0.0)
    caput(sim_ioc.pv("m1.VELO"), 1e6)  # the session's IOC as other tests expect it: m1 at 0
    pos(motor, 0.0)
    caput(sim_ioc.pv("m1.VELO"), velo)
    motor.close()


@pytest.fixture
def files(ctx, data_dir):
    writer = NexusWriter(data_dir, "t")
    ctx.stream.subscribe(writer, critical=True)
    return lambda: h5py.File(writer.path, "r")


def test_flyscan_of_an_epics_motor_records_its_readback_beside_each_demand(files, ctx, m1: EpicsMotor) -> None:
    det = GaussianCounter("det", m1)
    s = flyscan(m1, -1, 1, 0.1, det, 0.02, 0.08)  # 2 units / (0.1 s x 20 points): 1/s
    assert s.status is ScanStatus.COMPLETED_OKAY and s.num_points == 20
    demands = -1 + 0.1 * np.arange(20)
    with files() as f:
        readback = f["entry1/instrument/m1/m1"][()]
        assert f["entry1/instrument/m1/m1_set"][()] == pytest.approx(demands)
    error = readback - demands
    assert error.min() >= -m1.tolerance and error.max() <= 1.0 * LATENCY, error
    assert not [line for line in ctx.lines if "late" in line]
    assert caget(m1.pv + ".VELO") == VELO
    # ACCL 0.1 s at 1/s: run-up and run-down of 0.05 outside the range, and it ended there
    assert caget(m1.pv + ".RBV") == pytest.approx(1.05, abs=1e-3)
    assert "flyscan: m1 flies from -1.05 to 1.05 at 1/s: 20 point(s) from -1 to 0.9" in ctx.lines


def test_fscan_of_an_epics_motor_gives_outer_times_inner_points(ctx, m1: EpicsMotor) -> None:
    y = SimMotor("y", speed=50.0)
    s = fscan(y, 0, 1, 1, flyscan, m1, 0, 0.5, 0.1, GaussianCounter("det", m1), 0.02, 0.08)
    assert s.num_points == 10 and s["y"].tolist() == [0.0] * 5 + [1.0] * 5
    error = s["m1"] - np.tile(0.1 * np.arange(5), 2)
    assert error.min() >= -m1.tolerance and error.max() <= 1.0 * LATENCY, error
    assert caget(m1.pv + ".VELO") == VELO


def test_the_fly_speed_is_capped_at_vmax_with_a_message(ctx, sim_ioc: SimIOC, m1: EpicsMotor) -> None:
    caput(sim_ioc.pv("m1.VMAX"), 1.0)
    s = flyscan(m1, 0, 0.5, 0.1, GaussianCounter("det", m1), 0.02, 0.03)  # needs 2/s
    assert s.num_points == 5
    assert ("flyscan: m1: the speed the points need, 2/s, is above the motor's maximum 1/s: flying at 1/s, "
            "each point takes 0.1 s instead of 0.05 s") in ctx.lines
    error = s["m1"] - 0.1 * np.arange(5)
    assert error.min() >= -m1.tolerance and error.max() <= 1.0 * LATENCY
    assert caget(m1.pv + ".VELO") == VELO


def test_a_run_down_beyond_the_high_limit_is_refused_and_nothing_moves(ctx, m1: EpicsMotor) -> None:
    with pytest.raises(DeviceError) as e:
        flyscan(m1, 9, 9.95, 0.05, GaussianCounter("det", m1), 0.02, 0.005)  # 2/s: run-down end 10.05
    assert "m1: the fly's run-down end 10.05" in str(e.value)
    assert "m1: position 10.05 is outside the limits (-10:10)" in str(e.value)
    assert caget(m1.pv + ".RBV") == 0.0 and caget(m1.pv + ".DMOV") == 1
    assert caget(m1.pv + ".VELO") == VELO


def _at_point(ctx, index: int, action) -> threading.Thread:  # noqa: ANN001
    reached = threading.Event()
    ctx.stream.subscribe(lambda doc: reached.set() if isinstance(doc, ScanPoint) and doc.index == index else None)
    thread = threading.Thread(target=lambda: reached.wait(30) and action())
    thread.start()
    return thread


def test_an_abort_stops_the_motor_restores_velo_and_keeps_a_valid_file(files, ctx, documents, m1: EpicsMotor) -> None:
    thread = _at_point(ctx, 3, cmd.abort)
    with pytest.raises(ScanAbortedError):
        flyscan(m1, 0, 4, 0.1, GaussianCounter("det", m1), 0.05, 0.05)  # 1/s: 4 s
    thread.join()
    stop = documents[-1]
    assert stop.status is ScanStatus.COMPLETED_AFTER_STOP and 4 <= stop.num_points <= 6
    assert caget(m1.pv + ".DMOV") == 1 and 0.3 <= caget(m1.pv + ".RBV") < 1.0
    assert caget(m1.pv + ".VELO") == VELO
    with files() as f:
        readback = f["entry1/instrument/m1/m1"][: stop.num_points]
    assert np.all(readback >= 0.1 * np.arange(stop.num_points) - m1.tolerance)


def test_stop_pressed_mid_fly_fails_the_scan_with_the_point_and_velo_is_restored(ctx, documents, m1: EpicsMotor) -> None:
    thread = _at_point(ctx, 2, lambda: caput(m1.pv + ".STOP", 1))  # an operator presses STOP
    with pytest.raises(DeviceError) as e:
        flyscan(m1, 0, 4, 0.1, GaussianCounter("det", m1), 0.05, 0.05)
    thread.join()
    assert documents[-1].status is ScanStatus.COMPLETED_AFTER_FAILURE
    where = caget(m1.pv + ".RBV")
    assert f"m1: fly scan stopped at {where:.6g} before reaching the point" in str(e.value)
    assert "STOP" in str(e.value)
    assert caget(m1.pv + ".VELO") == VELO and where < 1.0
