"""EPICS devices in scans run by the Java engine, against the simulated IOC."""

from __future__ import annotations

import time

import epics
import numpy as np
import pytest

from gda_bridge.commands import pos, scan
from gda_bridge.core.documents import ScanPoint
from gda_bridge.core.errors import DeviceError
from gda_bridge.epics import AreaDetector, EpicsMotor, EpicsScaler
from gda_bridge.sim_ioc import SimIOC


def caput(pvname: str, value: object) -> None:
    assert epics.get_pv(pvname, connect=True).put(value, wait=True, timeout=10) is not None


@pytest.fixture
def m1(sim_ioc: SimIOC):  # noqa: ANN201
    caput(sim_ioc.pv("m1.VELO"), 1e6)
    motor = EpicsMotor("m1", sim_ioc.pv("m1"))
    yield motor
    motor.close()


def test_pos_moves_and_waits(ctx, m1: EpicsMotor) -> None:  # noqa: ANN001
    caput(m1.pv + ".VELO", 5.0)
    start = time.monotonic()
    pos(m1, 0.5)
    assert time.monotonic() - start >= 0.08
    assert epics.caget(m1.pv + ".RBV", use_monitor=False) == pytest.approx(0.5)


def test_scaler_scan_shows_the_peak(ctx, sim_ioc: SimIOC, m1: EpicsMotor) -> None:  # noqa: ANN001
    ct = EpicsScaler("ct", sim_ioc.pv("scaler1"))
    try:
        s = scan(m1, -1, 1, 0.05, ct, 0.02)
        assert s.num_points == 41
        assert s.keys() == ["m1", "clock", "det", "mon"]
        assert abs(s["m1"][s["det"].argmax()] - 0.1) <= 0.1
        assert s["det"].max() > 20 * s["det"].min()
    finally:
        ct.close()


def test_camera_scan_takes_one_frame_per_point(ctx, documents, sim_ioc: SimIOC, m1: EpicsMotor) -> None:  # noqa: ANN001
    cam = AreaDetector("cam", sim_ioc.prefix)
    try:
        s = scan(m1, -1, 1, 0.5, cam, 0.01)
        assert s.num_points == 5
        frames = [p.data["cam"] for p in documents if isinstance(p, ScanPoint)]
        assert len(frames) == 5
        assert all(f.shape == (192, 256) and f.dtype == np.uint16 for f in frames)
        xs = [int(np.unravel_index(np.argmax(f), f.shape)[1]) for f in frames]
        assert xs == sorted(xs) and xs[-1] - xs[0] == pytest.approx(2 * 12.8, abs=3)
    finally:
        cam.close()


def test_ioc_dying_mid_scan_ends_the_scan_with_a_clear_error(ctx, spare_ioc: SimIOC) -> None:  # noqa: ANN001
    caput(spare_ioc.pv("m2.VELO"), 2.0)
    m2 = EpicsMotor("m2", spare_ioc.pv("m2"))
    ct = EpicsScaler("ct", spare_ioc.pv("scaler1"), channels=["det"])

    killed: list[float] = []  # when the kill began and when the IOC process was gone

    def kill_after_first_point(doc: object) -> None:
        if isinstance(doc, ScanPoint) and spare_ioc.alive:
            killed.append(time.monotonic())
            spare_ioc.kill()
            killed.append(time.monotonic())

    unsubscribe = ctx.stream.subscribe(kill_after_first_point)
    try:
        with pytest.raises(DeviceError) as err:
            scan(m2, 0, 2, 0.5, ct, 0.01)
        ended = time.monotonic()
        assert killed, "the scan failed before its first point"
        # What a user notices is how long the scan goes on once the IOC is gone; how long the OS
        # takes to reap a SIGKILLed process is not the scan's doing, so it is reported, not counted.
        assert ended - killed[1] < 8, (f"the scan ended {ended - killed[1]:.1f} s after the IOC died "
                                       f"(the kill itself took {killed[1] - killed[0]:.1f} s)")
        message = str(err.value)
        assert "m2" in message and spare_ioc.pv("m2") in message, message
    finally:
        unsubscribe()
        m2.close()
        ct.close()
