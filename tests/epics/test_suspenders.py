"""Suspenders against the simulated IOC: beam loss and a lost IOC hold the scan, spoiled points are
retaken, and the scan's result, table and file say what happened."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import epics
import h5py
import numpy as np
import pytest

from gda_bridge.commands import scan
from gda_bridge.core.documents import ScanPoint, ScanResumed, ScanStatus, ScanSuspended
from gda_bridge.core.errors import DeviceError
from gda_bridge.devices import ScannableMotionBase
from gda_bridge.epics import DisconnectSuspender, EpicsMotor, EpicsScaler, PVSuspender
from gda_bridge.nexus import NexusWriter
from gda_bridge.scans.suspension import install_suspender
from gda_bridge.sim_ioc import SimIOC
from gda_bridge.sim_ioc.testing import ioc_pool

NOMINAL = 300.0


def caput(pvname: str, value: object) -> None:
    assert epics.get_pv(pvname, connect=True).put(value, wait=True, timeout=10) is not None


def caget(pvname: str) -> object:
    return epics.caget(pvname, use_monitor=False, timeout=10)


class PointStartAction(ScannableMotionBase):
    """A read-only scannable that runs ``action`` at the start of the n-th point attempt (its
    atPointStart call), so a fault lands inside a point; counts every attempt."""

    def __init__(self, name: str, at_call: int, action: object) -> None:
        super().__init__(name)
        self.inputNames, self.extraNames, self.outputFormat = [], [], []
        self.level = 1
        self.calls = 0
        self.at_call = at_call
        self.action = action

    def atPointStart(self) -> None:
        self.calls += 1
        if self.calls == self.at_call:
            self.action()

    def rawGetPosition(self) -> object:
        return None

    def isBusy(self) -> bool:
        return False


@pytest.fixture
def beam(sim_ioc: SimIOC) -> Iterator[SimIOC]:
    """The session IOC with full beam and an open shutter, restored afterwards."""
    caput(sim_ioc.pv("ring:current"), NOMINAL)
    caput(sim_ioc.pv("shutter:control"), "Open")
    yield sim_ioc
    caput(sim_ioc.pv("ring:current"), NOMINAL)
    caput(sim_ioc.pv("shutter:control"), "Open")


@pytest.fixture
def m1(beam: SimIOC) -> Iterator[EpicsMotor]:
    caput(beam.pv("m1.VELO"), 1e6)
    motor = EpicsMotor("m1", beam.pv("m1"))
    yield motor
    motor.close()


@pytest.fixture
def ct(beam: SimIOC) -> Iterator[EpicsScaler]:
    scaler = EpicsScaler("ct", beam.pv("scaler1"), channels=["det", "mon"])
    yield scaler
    scaler.close()


@pytest.fixture
def writer(ctx, tmp_path: Path) -> Iterator[NexusWriter]:  # noqa: ANN001
    w = NexusWriter(tmp_path, "t99")
    unsubscribe = ctx.stream.subscribe(w, critical=True, first=True)
    yield w
    unsubscribe()
    w.close()


def suspensions_in(path: Path) -> tuple[str, str, list[tuple[str, str, int, str]], dict[str, np.ndarray]]:
    """Status, reason, suspension rows and measurement columns, read back with h5py."""
    with h5py.File(path, "r") as f:
        entry = f["entry1"]
        group = entry["suspensions"]
        assert group.attrs["NX_class"] in ("NXcollection", b"NXcollection")
        rows = [(s.decode(), e.decode(), int(p), r.decode()) for s, e, p, r in zip(
            group["start_time"][()], group["end_time"][()], group["point"][()], group["reason"][()], strict=True)]
        data = {k: entry["measurement"][k][()] for k in entry["measurement"] if isinstance(entry["measurement"][k], h5py.Dataset)}
        return entry["scan_status"][()].decode(), entry["scan_reason"][()].decode(), rows, data


def assert_stopped(ioc: SimIOC, motor: str) -> None:
    assert caget(ioc.pv(f"{motor}.DMOV")) == 1
    assert caget(ioc.pv(f"{motor}.MOVN")) == 0


def test_beam_lost_during_a_point_suspends_and_retakes_it(ctx, documents, beam, m1, ct, writer) -> None:  # noqa: ANN001
    current = PVSuspender("ring current", beam.pv("ring:current"), below=10.0, resume_after=0.3, max_suspend=30)
    install_suspender(current)
    dump = PointStartAction("dump", 4, lambda: caput(beam.pv("ring:current"), 0.2))  # point 3, first try

    def refill(doc: object) -> None:
        if isinstance(doc, ScanSuspended):
            caput(beam.pv("ring:current"), NOMINAL)

    ctx.stream.subscribe(refill)
    try:
        s = scan(m1, 0, 1, 0.2, dump, ct, 0.02)
    finally:
        current.close()

    assert s.status is ScanStatus.COMPLETED_OKAY
    assert s.num_points == 6 and dump.calls == 7  # one point taken twice
    np.testing.assert_allclose(s["m1"], [0, 0.2, 0.4, 0.6, 0.8, 1.0], atol=1e-6)
    mon = s["mon"]  # beam monitor counts: every recorded point had full beam
    assert mon.min() > 0.7 * np.median(mon), mon
    [record] = s.suspensions
    assert (record.index, record.reason) == (3, "ring current 0.2 < 10 mA")
    assert record.end - record.start >= 0.3
    table = ctx.lines
    at = table.index("Scan suspended: ring current 0.2 < 10 mA")
    assert table[at + 1] == "Scan resumed"
    assert sum(1 for line in table if line.strip().startswith("0.6000")) == 1
    kinds = [type(d).__name__ for d in documents if not isinstance(d, ScanPoint)]
    assert kinds == ["ScanStart", "ScanSuspended", "ScanResumed", "ScanStop"]
    assert [d.index for d in documents if isinstance(d, ScanPoint)] == [0, 1, 2, 3, 4, 5]

    status, reason, rows, data = suspensions_in(writer.path)
    assert (status, reason) == ("COMPLETED_OKAY", "")
    [(start, end, point, why)] = rows
    assert start and end and start < end and point == 3 and why == "ring current 0.2 < 10 mA"
    np.testing.assert_allclose(data["m1"], s["m1"])
    np.testing.assert_array_equal(data["mon"], mon)
    assert_stopped(beam, "m1")


def test_shutter_closed_between_points_holds_the_next_point(ctx, documents, beam, m1, ct, writer) -> None:  # noqa: ANN001
    shutter = install_suspender(PVSuspender("shutter", beam.pv("shutter:status"), equals="Closed"))

    def operate(doc: object) -> None:
        if isinstance(doc, ScanPoint) and doc.index == 1:
            caput(beam.pv("shutter:control"), "Close")
        elif isinstance(doc, ScanSuspended):
            caput(beam.pv("shutter:control"), "Open")

    ctx.stream.subscribe(operate)
    try:
        s = scan(m1, 0, 0.3, 0.1, ct, 0.02)
    finally:
        shutter.close()

    assert s.status is ScanStatus.COMPLETED_OKAY and s.num_points == 4
    [record] = s.suspensions
    assert (record.index, record.reason) == (2, "shutter is Closed")
    assert "Scan suspended: shutter is Closed" in ctx.lines
    status, _, rows, data = suspensions_in(writer.path)
    assert status == "COMPLETED_OKAY" and [r[2:] for r in rows] == [(2, "shutter is Closed")]
    assert data["mon"].min() > 0.7 * np.median(data["mon"])
    assert_stopped(beam, "m1")


def test_a_suspension_longer_than_its_limit_fails_the_scan_with_the_reason(ctx, beam, m1, ct, writer) -> None:  # noqa: ANN001
    current = install_suspender(PVSuspender("ring current", beam.pv("ring:current"), below=10.0, max_suspend=0.5))

    def dump(doc: object) -> None:
        if isinstance(doc, ScanPoint) and doc.index == 1:
            caput(beam.pv("ring:current"), 0.2)

    ctx.stream.subscribe(dump)
    try:
        with pytest.raises(DeviceError) as err:
            scan(m1, 0, 0.4, 0.1, ct, 0.02)
    finally:
        current.close()

    expected = "scan suspended for longer than its limit of 0.5 s: ring current 0.2 < 10 mA"
    assert expected in str(err.value)
    s = ctx.last_result
    assert s.status is ScanStatus.COMPLETED_AFTER_FAILURE and s.num_points == 2
    assert expected in s.reason
    assert ctx.lines[-1].startswith("Scan failed: ") and expected in ctx.lines[-1]
    status, reason, rows, data = suspensions_in(writer.path)
    assert status == "COMPLETED_AFTER_FAILURE" and expected in reason
    [(start, end, point, why)] = rows
    assert point == 2 and why == "ring current 0.2 < 10 mA" and start < end  # ended with the scan
    np.testing.assert_allclose(data["m1"][:2], [0, 0.1], atol=1e-6)
    assert_stopped(beam, "m1")


def test_a_lost_ioc_suspends_the_scan_until_it_is_back(ctx, documents, spare_ioc, writer) -> None:  # noqa: ANN001
    """The IOC dies between points: the next point's move fails, the scan waits; the IOC comes
    back on the same port (a restart), the point is retaken with every motor moved again."""
    caput(spare_ioc.pv("m2.VELO"), 1e6)
    m2 = EpicsMotor("m2", spare_ioc.pv("m2"))
    ct = EpicsScaler("ct", spare_ioc.pv("scaler1"), channels=["det", "mon"])
    lost = install_suspender(DisconnectSuspender(resume_after=0.2, max_suspend=60))
    restarted: list[SimIOC] = []

    def kill_then_restart(doc: object) -> None:
        if isinstance(doc, ScanPoint) and doc.index == 1:
            spare_ioc.kill()
        elif isinstance(doc, ScanSuspended) and not restarted:
            restarted.append(ioc_pool().restart(spare_ioc))

    ctx.stream.subscribe(kill_then_restart)
    try:
        s = scan(m2, 0, 2, 0.5, ct, 0.01)
        assert_stopped(restarted[0], "m2")
    finally:
        lost.close()
        m2.close()
        ct.close()
        for ioc in restarted:
            ioc.stop()

    assert s.status is ScanStatus.COMPLETED_OKAY and s.num_points == 5
    np.testing.assert_allclose(s["m2"], [0, 0.5, 1.0, 1.5, 2.0], atol=1e-6)
    [record] = s.suspensions
    assert record.index == 2 and "lost connection to" in record.reason and spare_ioc.prefix in record.reason
    kinds = [type(d).__name__ for d in documents if isinstance(d, ScanSuspended | ScanResumed)]
    assert kinds == ["ScanSuspended", "ScanResumed"]
    status, _, rows, data = suspensions_in(writer.path)
    assert status == "COMPLETED_OKAY" and len(rows) == 1 and rows[0][2] == 2
    np.testing.assert_allclose(data["m2"], s["m2"])
    assert data["mon"].min() > 0.7 * np.median(data["mon"])  # 0.01 s counts, also after the restart


def test_a_device_failure_without_a_suspension_still_fails_the_scan(ctx, beam, spare_ioc) -> None:  # noqa: ANN001
    """A suspender that does not trip must not hide a real failure: the scan fails as before."""
    m2 = EpicsMotor("m2", spare_ioc.pv("m2"))
    beam_ok = install_suspender(PVSuspender("ring current", beam.pv("ring:current"), below=10.0))
    done = threading.Event()

    def kill(doc: object) -> None:
        if isinstance(doc, ScanPoint) and doc.index == 0:
            done.set()
            spare_ioc.kill()

    ctx.stream.subscribe(kill)
    try:
        with pytest.raises(DeviceError, match="m2"):
            scan(m2, 0, 1, 0.5)
    finally:
        beam_ok.close()
        m2.close()
    assert done.is_set()
    assert ctx.last_result.status is ScanStatus.COMPLETED_AFTER_FAILURE
