"""End to end through the Java engine: a hardware-triggered continuous line (m1 and the sim IOC's
Zebra) with the file-writing camera as its buffered detector; the scan file links the detector
file the IOC wrote, exactly the line's frames.

This checkout has no PositionCompareLine yet (and EpicsMotor no fly-speed methods), so the line
is a small test-local ContinuousLine over m1's PVs and EpicsPositionCompare, firing the n + 1
pulses (d_0..d_n) a line of n points fires.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import epics
import h5py
import numpy as np
import pytest

from gda_bridge.commands import scan
from gda_bridge.core.documents import ScanPoint
from gda_bridge.devices import ScannableBase
from gda_bridge.epics import AreaDetector, EpicsPositionCompare
from gda_bridge.nexus import NexusWriter
from gda_bridge.sim_ioc import SimIOC
from gda_bridge.sim_ioc._camera_frames import ramp
from gda_bridge.sim_ioc.testing import ioc_pool

NX, NY = 40, 24
RUN_UP = 0.05


def put(pvname: str, value: object) -> None:
    assert epics.get_pv(pvname, connect=True).put(value, wait=True, timeout=10) is not None


class BoxLine(ScannableBase):
    """m1 moved through the line at step / seconds_per_bin, the box pulsing at d_0..d_n."""

    def __init__(self, name: str, motor: str, box: EpicsPositionCompare) -> None:
        super().__init__(name)
        self.inputNames = [name]
        self.motor, self.box = motor, box
        self._demands: list[float] = []
        self._moved = threading.Event()
        self._moved.set()

    def checkLineValid(self, demands, seconds):  # noqa: ANN001, ANN201
        return None

    def prepareLine(self, demands, seconds):  # noqa: ANN001, ANN201
        self._demands = list(demands)
        step = self._demands[1] - self._demands[0]
        put(self.motor + ".VELO", 1e9)
        put(self.motor, self._demands[0] - RUN_UP)
        put(self.motor + ".VELO", abs(step) / seconds)
        self.box.configure_line(self._demands[0], step, len(self._demands) + 1)
        self.box.arm()

    def startLine(self):  # noqa: ANN201
        step = self._demands[1] - self._demands[0]
        self._moved.clear()
        pv = epics.get_pv(self.motor, connect=True)
        pv.put(self._demands[-1] + step + RUN_UP, wait=False, use_complete=True,
               callback=lambda **_: self._moved.set())

    def waitForBins(self, wanted):  # noqa: ANN001, ANN201
        self.box.wait_done(10)
        return self.getBinsCaptured()

    def getBinsCaptured(self):  # noqa: ANN201
        return max(0, min(len(self._demands), self.box.num_captured() - 1))  # bin k ends at pulse k + 1

    def readBins(self, start, end):  # noqa: ANN001, ANN201
        return [float(p) for p in self.box.captured()[0][start:end]]

    def completeLine(self):  # noqa: ANN201
        assert self._moved.wait(10)

    def stop(self):  # noqa: ANN201
        self.box.disarm()
        put(self.motor + ".STOP", 1)

    def rawGetPosition(self):  # noqa: ANN201
        return float(epics.caget(self.motor + ".RBV", use_monitor=False))

    def rawAsynchronousMoveTo(self, position):  # noqa: ANN001, ANN201
        raise AssertionError("a line is never stepped")


@pytest.fixture(scope="module")
def ioc() -> Iterator[SimIOC]:
    ioc = ioc_pool().start(args=("--frame-size", f"{NX}x{NY}", "--seed", "1"))
    for name, value in {"cam1:SimMode": "Ramp", "image1:EnableCallbacks": "Disable"}.items():
        put(ioc.pv(name), value)
    yield ioc
    ioc.stop()


@pytest.fixture
def devices(ioc: SimIOC) -> Iterator[tuple[BoxLine, AreaDetector]]:
    box = EpicsPositionCompare("pc", ioc.pv("ZEBRA:"))
    # 10 ms between an exposure and the next trigger: the simulated camera starts exposing when
    # its loop takes the pulse, which on a busy machine can be a few ms after the pulse.
    cam = AreaDetector("cam", ioc.prefix, file_plugin="HDF1:", stats="STATS1:", line_dead_time=0.01)
    yield BoxLine("sx", ioc.pv("m1"), box), cam
    cam.close()
    box.close()
    put(ioc.pv("m1.VELO"), 1.0)


@pytest.fixture
def nexus_files(ctx, data_dir: Path) -> Iterator[Path]:  # noqa: ANN001
    data_dir.mkdir(parents=True, exist_ok=True)
    writer = NexusWriter(data_dir, "i99")
    unsubscribe = ctx.stream.subscribe(writer, critical=True, first=True)
    yield data_dir
    unsubscribe()
    writer.close()


def test_a_fly_scan_file_links_exactly_the_lines_frames(ioc: SimIOC, ctx, documents, devices,  # noqa: ANN001
                                                       nexus_files: Path) -> None:
    line, cam = devices
    result = scan(line, 0, 0.45, 0.05, cam, 0.03)
    assert result.status == "COMPLETED_OKAY"
    points = [d for d in documents if isinstance(d, ScanPoint)]
    assert len(points) == 10
    uids = [int(p.data["unique_id"]) for p in points]
    assert uids == list(range(uids[0], uids[0] + 10))
    (path,) = sorted(nexus_files.glob("i99-*.nxs"))
    with h5py.File(path, "r") as f:
        group = f["entry1/instrument/cam"]
        link = group.get("data", getlink=True)
        assert isinstance(link, h5py.ExternalLink)  # exactly the first file's frames: no VDS
        assert link.filename.endswith(f"{path.stem}-cam-000000.h5")
        data = group["data"][()]
        assert int(group["frames_written"][()]) == 10
        np.testing.assert_allclose(f["entry1/instrument/sx/sx"][()], 0.05 * np.arange(10), atol=1e-3)
    assert data.shape == (10, NY, NX)
    np.testing.assert_array_equal(data, np.stack([ramp(NY, NX, "UInt16", u) for u in uids]))
    assert epics.caget(ioc.pv("cam1:TriggerMode"), use_monitor=False) == 0  # Internal again


def test_lines_of_a_grid_go_to_one_file_in_point_order(ioc: SimIOC, ctx, documents, devices,  # noqa: ANN001
                                                       nexus_files: Path) -> None:
    from gda_bridge.devices.sim import SimMotor

    line, cam = devices
    result = scan(SimMotor("y"), 0, 1, 1, line, 0, 0.2, 0.05, cam, 0.03)
    assert result.status == "COMPLETED_OKAY"
    uids = [int(p.data["unique_id"]) for p in documents if isinstance(p, ScanPoint)]
    assert len(uids) == 10
    (path,) = sorted(nexus_files.glob("i99-*.nxs"))
    assert not (nexus_files / f"{path.stem}-cam-000001.h5").exists()
    with h5py.File(path, "r") as f:
        group = f["entry1/instrument/cam"]
        assert isinstance(group.get("data", getlink=True), h5py.ExternalLink)
        data = group["data"][()].reshape(-1, NY, NX)
        assert int(group["frames_written"][()]) == 10
    np.testing.assert_array_equal(data, np.stack([ramp(NY, NX, "UInt16", u) for u in uids]))


def test_a_line_finished_early_keeps_its_frames_in_the_scan_file(ioc: SimIOC, ctx, documents, devices,  # noqa: ANN001
                                                                 nexus_files: Path) -> None:
    line, cam = devices
    seen = threading.Condition()
    counts: list[int] = []

    def on_count(value: object, **_: object) -> None:
        with seen:
            if int(value) == 0 or counts:  # type: ignore[call-overload]
                counts.append(int(value))  # type: ignore[call-overload] # from this scan's arm on
            seen.notify_all()

    done: list = []
    monitor = epics.PV(ioc.pv("ZEBRA:PC_NUM_CAP"), callback=on_count)
    runner = threading.Thread(target=lambda: done.append(scan(line, 0, 0.95, 0.05, cam, 0.05)))
    try:
        runner.start()
        with seen:
            assert seen.wait_for(lambda: counts and counts[-1] >= 6, 20)
        ctx.running.request_finish_early()
        runner.join(20)
    finally:
        monitor.disconnect()
    assert done and done[0].status == "COMPLETED_EARLY"
    uids = [int(p.data["unique_id"]) for p in documents if isinstance(p, ScanPoint)]
    assert 5 <= len(uids) < 20
    (path,) = sorted(nexus_files.glob("i99-*.nxs"))
    with h5py.File(path, "r") as f:
        group = f["entry1/instrument/cam"]
        data = group["data"][()]
        assert int(group["frames_written"][()]) == len(uids)
    np.testing.assert_array_equal(data, np.stack([ramp(NY, NX, "UInt16", u) for u in uids]))
