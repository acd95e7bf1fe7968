"""End to end: ``cvscan`` of m1 (the sim IOC's Zebra-like box following its encoder) with the
file-writing camera as its buffered detector; the scan file links the detector file the IOC
wrote, exactly the line's frames, each at the point of its trigger."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import epics
import h5py
import numpy as np
import pytest
from cli_processes import home_motor

from gda_bridge.commands import cvscan
from gda_bridge.core.documents import ScanPoint
from gda_bridge.epics import AreaDetector, EpicsMotor, PositionCompareBox
from gda_bridge.nexus import NexusWriter
from gda_bridge.sim_ioc import SimIOC
from gda_bridge.sim_ioc._camera_frames import ramp
from gda_bridge.sim_ioc.testing import ioc_pool

NX, NY = 40, 24


def put(pvname: str, value: object) -> None:
    assert epics.get_pv(pvname, connect=True).put(value, wait=True, timeout=10) is not None


@pytest.fixture(scope="module")
def ioc() -> Iterator[SimIOC]:
    ioc = ioc_pool().start(args=("--frame-size", f"{NX}x{NY}", "--seed", "1"))
    for name, value in {"cam1:SimMode": "Ramp", "image1:EnableCallbacks": "Disable"}.items():
        put(ioc.pv(name), value)
    yield ioc
    ioc.stop()


@pytest.fixture
def devices(ioc: SimIOC) -> Iterator[tuple[EpicsMotor, AreaDetector]]:
    m1 = EpicsMotor("m1", ioc.pv("m1"))
    box = PositionCompareBox("pc", ioc.pv("ZEBRA:"), motor=m1)
    # 10 ms between an exposure and the next trigger: the simulated camera starts exposing when
    # its loop takes the pulse, which on a busy machine can be a few ms after the pulse.
    cam = AreaDetector("cam", ioc.prefix, file_plugin="HDF1:", stats="STATS1:", line_dead_time=0.01)
    yield m1, cam
    for device in (cam, box, m1):
        device.close()
    home_motor(ioc, "m1", 1.0)


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
    m1, cam = devices
    result = cvscan(m1, 0, 0.45, 0.05, cam, 0.03)
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
        np.testing.assert_allclose(f["entry1/instrument/m1/m1"][()], 0.05 * np.arange(10), atol=1e-5)
    assert data.shape == (10, NY, NX)
    np.testing.assert_array_equal(data, np.stack([ramp(NY, NX, "UInt16", u) for u in uids]))
    assert epics.caget(ioc.pv("cam1:TriggerMode"), use_monitor=False) == 0  # Internal again


def test_lines_of_a_grid_go_to_one_file_in_point_order(ioc: SimIOC, ctx, documents, devices,  # noqa: ANN001
                                                       nexus_files: Path) -> None:
    from gda_bridge.devices.sim import SimMotor

    m1, cam = devices
    result = cvscan(SimMotor("y"), 0, 1, 1, m1, 0, 0.2, 0.05, cam, 0.03)
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
    m1, cam = devices
    seen = threading.Condition()
    counts: list[int] = []

    def on_count(value: object, **_: object) -> None:
        with seen:
            if int(value) == 0 or counts:  # type: ignore[call-overload]
                counts.append(int(value))  # type: ignore[call-overload] # from this scan's arm on
            seen.notify_all()

    done: list = []
    monitor = epics.PV(ioc.pv("ZEBRA:PC_NUM_CAP"), callback=on_count)
    runner = threading.Thread(target=lambda: done.append(cvscan(m1, 0, 0.95, 0.05, cam, 0.05)))
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
