"""A move that goes wrong fails the scan with the reason in the file, every point taken kept, and
the motor stopped; against the simulated motor record (operator STOP, limit switch, SPMG)."""

from __future__ import annotations

import re

import numpy as np
import pytest
from motor_scan_helpers import FaultMidMove, caget, caput, read_scan_file, scan_file

from gda_bridge.commands import pos, scan
from gda_bridge.core.documents import ScanStatus
from gda_bridge.core.errors import DeviceError
from gda_bridge.epics import EpicsMotor
from gda_bridge.sim_ioc import SimIOC

#: The scan of every test: 0, 0.5, ... 2.0 at VELO 1 (each move 0.5 s).
START, STOP, STEP = 0.0, 2.0, 0.5


@pytest.fixture
def motor(fault_ioc: SimIOC):  # noqa: ANN201
    """m2 at 0, SPMG Go, VELO 1; its high limit switch sits at 1.2."""
    base = fault_ioc.pv("m2")
    caput(base + ".SPMG", "Go")
    caput(base + ".VELO", 1e6)
    caput(base + ".VAL", 0.0)
    caput(base + ".VELO", 1.0)
    m2 = EpicsMotor("m2", base)
    yield m2
    m2.close()
    caput(base + ".SPMG", "Go")


def assert_stopped(base: str) -> float:
    """The motor is not moving and its move is over; returns where it is."""
    assert caget(base + ".DMOV") == 1 and caget(base + ".MOVN") == 0
    return float(caget(base + ".RBV"))


def run_failing_scan(ctx, data_dir, motor: EpicsMotor, fault: FaultMidMove | None = None):  # noqa: ANN001, ANN201
    with scan_file(ctx, data_dir) as files:
        try:
            with pytest.raises(DeviceError) as err:
                scan(motor, START, STOP, STEP)
        finally:
            if fault is not None:
                fault.close()
        result = ctx.last_result
        path = files.path_of(result.start)
    return err.value, result, read_scan_file(path, "m2")


def check_failed(error: DeviceError, result, data, reached: int, why: str) -> None:  # noqa: ANN001
    assert result.status is ScanStatus.COMPLETED_AFTER_FAILURE
    assert why in str(error) and str(error).startswith("m2: move to "), str(error)
    assert result.reason == str(error)
    assert data.status == "COMPLETED_AFTER_FAILURE"
    assert why in data.reason and "m2: move to" in data.reason, data.reason
    assert data.points_completed == reached == result.num_points
    expected = np.arange(reached) * STEP
    assert data.positions[:reached] == pytest.approx(expected, abs=1e-3)
    assert np.isnan(data.positions[reached:]).all()


def test_operator_stop_mid_scan_fails_the_scan(ctx, data_dir, fault_ioc: SimIOC, motor: EpicsMotor) -> None:  # noqa: ANN001
    fault = FaultMidMove(motor.pv + ".RBV", 1.1, 1.2, motor.pv + ".STOP", 1)  # during the move to 1.5
    error, result, data = run_failing_scan(ctx, data_dir, motor, fault)
    assert fault.fired.is_set()
    check_failed(error, result, data, 3, "STOP pressed")
    where = assert_stopped(motor.pv)
    assert 1.1 < where < 1.5
    assert f"move to 1.5 stopped at {where:.4f}" in str(error)
    assert caget(motor.pv + ".VAL") == pytest.approx(where)


def test_limit_switch_mid_scan_fails_the_scan(ctx, data_dir, motor: EpicsMotor) -> None:  # noqa: ANN001
    error, result, data = run_failing_scan(ctx, data_dir, motor)
    check_failed(error, result, data, 3, "high limit switch")
    assert str(error) == "m2: move to 1.5 stopped at 1.2000: high limit switch"
    assert assert_stopped(motor.pv) == pytest.approx(1.2)
    assert caget(motor.pv + ".HLS") == 1


def test_spmg_pause_mid_scan_fails_the_scan(ctx, data_dir, motor: EpicsMotor) -> None:  # noqa: ANN001
    fault = FaultMidMove(motor.pv + ".RBV", 1.05, 1.15, motor.pv + ".SPMG", "Pause")
    error, result, data = run_failing_scan(ctx, data_dir, motor, fault)
    check_failed(error, result, data, 3, "SPMG is Pause")
    where = assert_stopped(motor.pv)  # the scan's stop cancelled the held move
    assert 1.05 < where < 1.2


def test_spmg_stop_mid_scan_fails_the_scan(ctx, data_dir, motor: EpicsMotor) -> None:  # noqa: ANN001
    fault = FaultMidMove(motor.pv + ".RBV", 1.05, 1.15, motor.pv + ".SPMG", "Stop")
    error, result, data = run_failing_scan(ctx, data_dir, motor, fault)
    check_failed(error, result, data, 3, "SPMG is Stop")
    where = assert_stopped(motor.pv)
    assert caget(motor.pv + ".VAL") == pytest.approx(where)


def test_pos_into_a_limit_switch_raises(ctx, motor: EpicsMotor) -> None:  # noqa: ANN001
    with pytest.raises(DeviceError) as err:
        pos(motor, 2.0)
    assert str(err.value) == "m2: move to 2 stopped at 1.2000: high limit switch"
    with pytest.raises(DeviceError, match="high limit switch"):
        pos(motor, 1.5)  # further into the switch: refused where it is
    pos(motor, 0.5)  # away from the switch is fine
    assert motor.getPosition() == pytest.approx(0.5)


def test_paused_motor_refuses_to_move(ctx, motor: EpicsMotor) -> None:  # noqa: ANN001
    caput(motor.pv + ".SPMG", "Pause")
    with pytest.raises(DeviceError) as err:
        pos(motor, 1.0)
    # Refused before the put once the SPMG monitor has arrived ("cannot move to 1 from 0.0000"),
    # else the held move fails at once ("move to 1 stopped at 0.0000") and pos stops it.
    assert re.fullmatch(r"m2: (cannot move to 1 from|move to 1 stopped at) 0\.0000: SPMG is Pause", str(err.value))
    assert caget(motor.pv + ".VAL") == 0.0 and assert_stopped(motor.pv) == 0.0


def test_tolerance_follows_rdbd_and_can_be_set(motor: EpicsMotor) -> None:
    assert motor.tolerance == pytest.approx(1e-4)
    assert motor.getTolerances() == [pytest.approx(1e-4)]
    motor.tolerance = 0.01
    assert motor.getTolerances() == [0.01]


@pytest.mark.parametrize(("retries", "why"), [(10, "missed the target after all retries (MISS)"),
                                              (0, "not within RDBD 0.0001")])
def test_a_motor_that_stops_short_fails_the_scan(ctx, data_dir, fault_ioc: SimIOC, retries: int,  # noqa: ANN001
                                                 why: str) -> None:
    base = fault_ioc.pv("m3")
    caput(base + ".RTRY", retries)
    caput(base + ".VELO", 1e6)
    caput(base + ".VAL", 0.0)  # from 0.01 short of 0 to 0.01 short of 0 again: the same place
    caput(base + ".VAL", 0.0)
    m3 = EpicsMotor("m3", base, start_timeout=0.5)
    try:
        with scan_file(ctx, data_dir) as files:
            with pytest.raises(DeviceError) as err:
                scan(m3, 0.5, 1.5, 0.5)
            path = files.path_of(ctx.last_result.start)
        assert str(err.value) == f"m3: move to 0.5 stopped at 0.4900: {why}"
        data = read_scan_file(path, "m3")
        assert data.status == "COMPLETED_AFTER_FAILURE" and data.points_completed == 0
        assert why in data.reason
    finally:
        m3.close()
        caput(base + ".RTRY", 10)


def test_a_readback_monitor_behind_dmov_is_checked_by_a_fresh_read(motor: EpicsMotor) -> None:
    """Monitors of different PVs are not ordered: RBV's last update may arrive after DMOV=1. The
    move is judged on a fresh read then, not on the stale cache (seen on caproto's fake motor)."""
    motor.moveTo(0.5)
    watch = motor._watch
    motor._rbv._last = 0.25  # the monitor's cache as it stood before RBV's final update arrived
    motor._check(watch)  # no DeviceError: the IOC says RBV is at the target
    caput(motor.pv + ".VAL", 0.3)  # someone else moved it: now the fresh read disagrees as well
    motor._rbv._last = 0.5
    with pytest.raises(DeviceError, match=r"^m2: move to 0.5 stopped at 0.3000: "):
        motor._check(watch)
