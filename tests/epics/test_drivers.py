"""The EPICS drivers against the simulated IOC: moves, completion, limits, detectors, failures."""

import threading
import time

import epics
import numpy as np
import pytest

from gda_bridge.core.errors import DeviceError, LimitError
from gda_bridge.epics import AreaDetector, EpicsMotor, EpicsScaler, PVMonitor, PVScannable
from gda_bridge.sim_ioc import SimIOC


def caput(pvname: str, value: object) -> None:
    assert epics.get_pv(pvname, connect=True).put(value, wait=True, timeout=10) is not None


def caget(pvname: str) -> object:
    return epics.caget(pvname, use_monitor=False, timeout=5)


@pytest.fixture
def m1(sim_ioc: SimIOC):  # noqa: ANN201
    caput(sim_ioc.pv("m1.VELO"), 1e6)
    caput(sim_ioc.pv("m1.HLM"), 10.0)
    caput(sim_ioc.pv("m1.LLM"), -10.0)
    caput(sim_ioc.pv("m1.VAL"), 0.0)
    caput(sim_ioc.pv("m1.VELO"), 2.0)
    motor = EpicsMotor("m1", sim_ioc.pv("m1"))
    yield motor
    motor.close()


def test_motor_reads_its_configuration_from_the_record(m1: EpicsMotor) -> None:
    assert m1.getUpperGdaLimits() == [10.0] and m1.getLowerGdaLimits() == [-10.0]
    assert m1.getTolerances() == [pytest.approx(1e-4)]
    assert m1.units == "mm" and m1.outputFormat == ["%.4f"]
    assert m1.getPosition() == 0.0


def test_move_completes_by_put_callback_when_the_motion_ends(m1: EpicsMotor) -> None:
    start = time.monotonic()
    m1.asynchronousMoveTo(0.3)
    assert m1.isBusy()
    m1.waitWhileBusy()
    assert time.monotonic() - start >= 0.14  # 0.3 at VELO 2
    assert not m1.isBusy()
    assert m1.getPosition() == pytest.approx(0.3)


def test_stop_halts_a_move_and_ends_the_wait(m1: EpicsMotor) -> None:
    m1.asynchronousMoveTo(5.0)
    moving = threading.Event()
    movn = epics.PV(m1.pv + ".MOVN", callback=lambda value, **_: value == 1 and moving.set())
    assert moving.wait(5)
    m1.stop()
    m1.waitWhileBusy(timeout=2)
    assert 0 < m1.getPosition() < 5.0
    movn.disconnect()


def test_move_beyond_limits_is_refused_before_anything_moves(m1: EpicsMotor) -> None:
    with pytest.raises(LimitError) as err:
        m1.rawAsynchronousMoveTo(12.5)
    assert str(err.value) == "m1: position 12.5 is outside the limits (-10.0:10.0)"
    with pytest.raises(DeviceError, match=r"m1: position 12.5 is outside the limits \(-10:10\)"):
        m1.asynchronousMoveTo(12.5)
    assert not m1.isBusy()
    assert caget(m1.pv + ".VAL") == 0.0 and caget(m1.pv + ".LVIO") == 0


def test_limits_follow_the_record(m1: EpicsMotor) -> None:
    seen = threading.Event()
    # A second monitor on HLM: its callback runs after the driver's (same circuit, same thread).
    hlm = epics.PV(m1.pv + ".HLM", callback=lambda value, **_: value == 20.0 and seen.set())
    try:
        caput(m1.pv + ".HLM", 20.0)
        assert seen.wait(5)
        assert m1.getUpperGdaLimits() == [20.0]
        m1.rawAsynchronousMoveTo(0.01)  # within the new limits: accepted
        m1.waitWhileBusy()
    finally:
        hlm.disconnect()
        caput(m1.pv + ".HLM", 10.0)


def test_connection_failure_names_every_pv(sim_ioc: SimIOC) -> None:
    start = time.monotonic()
    with pytest.raises(DeviceError) as err:
        EpicsMotor("ghost", sim_ioc.pv("ghost"), connection_timeout=0.5)
    assert time.monotonic() - start < 3
    message = str(err.value)
    assert message.startswith("EpicsMotor ghost: 19 of 19 PVs did not connect within 0.5 s: ")
    for field in ("VAL", "RBV", "STOP", "VELO", "VMAX", "ACCL", "HLM", "LLM", "RDBD", "EGU", "PREC"):
        assert sim_ioc.pv(f"ghost.{field}") in message


def test_pv_scannable_with_put_callback_and_with_tolerance(sim_ioc: SimIOC) -> None:
    caput(sim_ioc.pv("m2.VELO"), 5.0)
    by_callback = PVScannable("sp", sim_ioc.pv("m2.VAL"), sim_ioc.pv("m2.RBV"))
    by_tolerance = PVScannable("st", sim_ioc.pv("m2.VAL"), sim_ioc.pv("m2.RBV"), tolerance=0.01)
    try:
        by_callback.moveTo(0.5)
        assert by_callback.getPosition() == pytest.approx(0.5)
        by_tolerance.moveTo(0.0)
        assert abs(by_tolerance.getPosition()) <= 0.01
        by_callback.waitWhileBusy()
    finally:
        caput(sim_ioc.pv("m2.VAL"), 0.0)
        by_callback.close()
        by_tolerance.close()


def test_pv_monitor_reads_and_refuses_moves(sim_ioc: SimIOC) -> None:
    ring = PVMonitor("ring", sim_ioc.pv("ring:current"), units="mA")
    try:
        assert ring.getPosition() == 300.0
        assert ring.inputNames == [] and ring.extraNames == ["ring"]
        with pytest.raises(DeviceError, match="ring is read-only"):
            ring.asynchronousMoveTo(1)
    finally:
        ring.close()


def test_scaler_counts_for_the_collection_time_and_sees_the_peak(sim_ioc: SimIOC, m1: EpicsMotor) -> None:
    scaler = EpicsScaler("ct", sim_ioc.pv("scaler1"))
    det = EpicsScaler("det", sim_ioc.pv("scaler1"), channels=["det"])
    try:
        assert scaler.extraNames == ["clock", "det", "mon"] and scaler.inputNames == []
        assert scaler.getDataDimensions() == (3,)
        scaler.setCollectionTime(0.1)
        start = time.monotonic()
        scaler.collectData()
        assert scaler.getStatus() == scaler.BUSY
        scaler.waitWhileBusy()
        assert time.monotonic() - start >= 0.095
        assert scaler.getStatus() == scaler.IDLE
        clock, on_peak, mon = scaler.readout()
        assert clock == pytest.approx(1e6) and mon > 0
        m1.moveTo(2.0)
        det.setCollectionTime(0.1)
        det.collectData()
        det.waitWhileBusy()
        off_peak = det.readout()
        assert isinstance(off_peak, float)
        assert on_peak > 20 * off_peak
    finally:
        scaler.close()
        det.close()


def test_scaler_readout_gives_the_counts_of_the_latest_count(sim_ioc: SimIOC) -> None:
    """The counts are fetched when a count ends; a new count must not return the older ones."""
    scaler = EpicsScaler("ct", sim_ioc.pv("scaler1"), channels=["clock"])
    try:
        scaler.setCollectionTime(0.01)
        scaler.collectData()
        scaler.waitWhileBusy()  # sends the reads of this count's values
        scaler.setCollectionTime(0.02)
        scaler.collectData()
        scaler.waitWhileBusy()
        assert scaler.readout() == pytest.approx(2e5)  # FREQ 1e7 x 0.02 s, not x 0.01 s
        assert scaler.readout() == pytest.approx(2e5)  # read again: still that count
    finally:
        scaler.close()


def test_area_detector_frames_are_uint16_and_follow_the_motor(sim_ioc: SimIOC, m1: EpicsMotor) -> None:
    cam = AreaDetector("cam", sim_ioc.prefix)
    try:
        cam.prepareForCollection()
        assert cam.getDataDimensions() == (192, 256)
        cam.setCollectionTime(0.01)

        def spot_x() -> int:
            cam.collectData()
            cam.waitWhileBusy()
            frame = cam.readout()
            assert frame.dtype == np.uint16 and frame.shape == (192, 256)
            return int(np.unravel_index(np.argmax(frame), frame.shape)[1])

        m1.moveTo(0.0)
        centred = spot_x()
        m1.moveTo(1.0)
        assert spot_x() - centred == pytest.approx(12.8, abs=2)
    finally:
        cam.close()


def test_ioc_dying_mid_move_ends_the_wait_with_a_clear_error(spare_ioc: SimIOC) -> None:
    motor = EpicsMotor("m3", spare_ioc.pv("m3"))
    scaler = EpicsScaler("ct", spare_ioc.pv("scaler1"), channels=["det"])
    try:
        caput(spare_ioc.pv("m3.VELO"), 0.5)
        motor.asynchronousMoveTo(5.0)  # would take 10 s
        scaler.setCollectionTime(30.0)
        scaler.collectData()
        spare_ioc.kill()
        start = time.monotonic()
        with pytest.raises(DeviceError, match=r"m3: move to 5: lost connection to .*m3\.VAL"):
            motor.waitWhileBusy()
        with pytest.raises(DeviceError, match=r"ct: count for 30 s: lost connection to .*scaler1\.CNT"):
            scaler.waitWhileBusy()
        assert time.monotonic() - start < 3
        motor.stop()  # unreachable: logs, does not hang or raise
        with pytest.raises(DeviceError, match="not connected"):
            motor.getPosition()
        assert scaler.getStatus() == scaler.FAULT
    finally:
        motor.close()
        scaler.close()
