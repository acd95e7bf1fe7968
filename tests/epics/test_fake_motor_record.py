"""EpicsMotor against caproto's ``fake_motor_record`` example IOC, a third-party motor record whose
put-callback on VAL completes at once while DMOV goes 1 -> 0 -> 1 only later (10 Hz motion)."""

from __future__ import annotations

import threading

import epics
import numpy as np
import pytest
from motor_scan_helpers import FaultMidMove, caget, caput, read_scan_file, scan_file

from gda_bridge.commands import scan
from gda_bridge.core.documents import ScanStatus
from gda_bridge.core.errors import DeviceError
from gda_bridge.epics import EpicsMotor
from gda_bridge.sim_ioc.testing import CaprotoIOC


def wait_until(pvname: str, predicate, timeout: float = 10.0) -> None:  # noqa: ANN001
    """Block until the PV's monitored value satisfies ``predicate`` (no polling)."""
    cond = threading.Condition()
    seen: list[object] = []

    def on_value(value: object, **_: object) -> None:
        with cond:
            seen.append(value)
            cond.notify_all()

    pv = epics.PV(pvname, callback=on_value)
    try:
        with cond:
            assert cond.wait_for(lambda: bool(seen) and predicate(seen[-1]), timeout), (pvname, seen[-1:])
    finally:
        pv.disconnect()


@pytest.fixture
def mtr1(fake_motor_ioc: CaprotoIOC):  # noqa: ANN201
    """mtr1 at 0 (VELO 1, limits 0..10), SPMG Go."""
    base = fake_motor_ioc.pv("mtr1")
    caput(base + ".SPMG", "Go")
    caput(base + ".VELO", 1.0)
    caput(base + ".VAL", 0.0)
    wait_until(base + ".RBV", lambda v: v == 0.0)
    wait_until(base + ".DMOV", lambda v: v == 1)
    motor = EpicsMotor("mtr1", base)
    yield motor
    motor.close()
    caput(base + ".SPMG", "Go")


def test_early_put_callback_scan_records_the_positions_it_asked_for(ctx, data_dir, mtr1: EpicsMotor) -> None:  # noqa: ANN001
    with scan_file(ctx, data_dir) as files:
        s = scan(mtr1, 0.0, 1.0, 0.1)
        path = files.path_of(s.start)
    demands = np.linspace(0.0, 1.0, 11)
    assert s.status is ScanStatus.COMPLETED_OKAY
    assert s["mtr1"] == pytest.approx(demands, abs=1e-6)
    data = read_scan_file(path, "mtr1")
    assert data.status == "COMPLETED_OKAY" and data.points_completed == 11
    assert data.positions == pytest.approx(demands, abs=1e-6)
    assert caget(mtr1.pv + ".DMOV") == 1


def test_a_move_before_lvios_first_monitor_update_checks_lvio_itself(mtr1: EpicsMotor) -> None:
    """caproto's record keeps its initial LVIO=1 forever; when the first monitor update of LVIO had
    not arrived by the first move, that 1 was taken for this move's refusal."""
    assert caget(mtr1.pv + ".LVIO") == 1
    mtr1._lvio._last = None  # as right after connecting, before LVIO's first monitor update ...
    mtr1.asynchronousMoveTo(0.2)
    mtr1._lvio._last = 1  # ... which then arrives during the move
    mtr1.waitWhileBusy()
    assert caget(mtr1.pv + ".RBV") == pytest.approx(0.2, abs=1e-6)


def test_single_moves_wait_for_dmov(mtr1: EpicsMotor) -> None:
    for target in (0.3, 0.35, 0.0):
        mtr1.moveTo(target)
        assert caget(mtr1.pv + ".RBV") == pytest.approx(target, abs=1e-6)
        assert caget(mtr1.pv + ".DMOV") == 1


def run_failing_scan(ctx, data_dir, motor: EpicsMotor, fault: FaultMidMove):  # noqa: ANN001, ANN201
    with scan_file(ctx, data_dir) as files:
        try:
            with pytest.raises(DeviceError) as err:
                scan(motor, 0.0, 2.0, 0.5)
        finally:
            fault.close()
        result = ctx.last_result
        path = files.path_of(result.start)
    assert fault.fired.is_set()
    return err.value, result, read_scan_file(path, "mtr1")


@pytest.mark.parametrize(("field", "value", "why"), [("STOP", 1, "STOP pressed"),
                                                       ("SPMG", "Stop", "SPMG is Stop")])
def test_stop_mid_scan_fails_the_scan(ctx, data_dir, mtr1: EpicsMotor, field: str, value: object,  # noqa: ANN001
                                      why: str) -> None:
    fault = FaultMidMove(mtr1.pv + ".RBV", 1.05, 1.35, f"{mtr1.pv}.{field}", value)  # moving to 1.5
    error, result, data = run_failing_scan(ctx, data_dir, mtr1, fault)
    assert result.status is ScanStatus.COMPLETED_AFTER_FAILURE
    assert str(error).startswith("mtr1: move to 1.5 stopped at 1.") and str(error).endswith(why), str(error)
    assert data.status == "COMPLETED_AFTER_FAILURE" and why in data.reason
    assert data.points_completed == 3
    assert data.positions[:3] == pytest.approx([0.0, 0.5, 1.0], abs=1e-6)
    assert np.isnan(data.positions[3:]).all()
    wait_until(mtr1.pv + ".DMOV", lambda v: v == 1)
    where = caget(mtr1.pv + ".RBV")
    assert 1.0 < where < 1.5
    assert caget(mtr1.pv + ".VAL") == pytest.approx(where)
