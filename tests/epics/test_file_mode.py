"""The camera's file-writing mode against the simulated IOC's file and stats plugins: the IOC
writes the frames, the scan file links them, the points hold scalar columns; faults fail the
scan or are recorded, and the scan file never links more frames than the detector wrote."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import epics
import h5py
import numpy as np
import pytest
import silx.io

from gda_bridge.commands import scan
from gda_bridge.core.documents import ScanPoint, ScanStop
from gda_bridge.core.errors import DeviceError
from gda_bridge.epics import AreaDetector, EpicsMotor
from gda_bridge.nexus import NexusWriter
from gda_bridge.sim_ioc import SimIOC
from gda_bridge.sim_ioc._camera_frames import ramp
from gda_bridge.sim_ioc.testing import ioc_pool

NX, NY = 40, 24


def caput(pvname: str, value: object) -> None:
    assert epics.get_pv(pvname, connect=True).put(value, wait=True, timeout=10) is not None


def stop_capture_now(pvname: str) -> None:
    """Capture=0 as a plain put, as an operator or GDA stops a capture (a put-callback of 0 would
    wait behind the pending Capture=1 put-callback)."""
    epics.get_pv(pvname, connect=True).put(0, wait=False)
    epics.ca.flush_io()


@pytest.fixture(scope="module")
def ioc() -> Iterator[SimIOC]:
    ioc = ioc_pool().start(args=("--frame-size", f"{NX}x{NY}", "--seed", "1"))
    yield ioc
    ioc.stop()


@pytest.fixture
def beamline(ioc: SimIOC) -> Iterator[SimIOC]:
    """Ramp frames, no Channel Access preview; the file plugin's settings as a test leaves them restored."""
    for name, value in {"cam1:SimMode": "Ramp", "cam1:DataType": "UInt16", "image1:EnableCallbacks": "Disable",
                        "HDF1:QueueSize": 100, "HDF1:EnableCallbacks": "Enable", "m1.VELO": 1e6}.items():
        caput(ioc.pv(name), value)
    yield ioc
    if epics.caget(ioc.pv("HDF1:Capture_RBV"), use_monitor=False):
        stop_capture_now(ioc.pv("HDF1:Capture"))
    caput(ioc.pv("HDF1:QueueSize"), 100)
    caput(ioc.pv("HDF1:EnableCallbacks"), "Enable")


@pytest.fixture
def nexus_files(ctx, data_dir: Path) -> Iterator[Path]:  # noqa: ANN001
    data_dir.mkdir(parents=True, exist_ok=True)
    writer = NexusWriter(data_dir, "i99")
    unsubscribe = ctx.stream.subscribe(writer, critical=True, first=True)
    yield data_dir
    unsubscribe()
    writer.close()


@pytest.fixture
def devices(beamline: SimIOC) -> Iterator[dict]:
    made: list = []

    def make(**kwargs: object) -> tuple[EpicsMotor, AreaDetector]:
        m1 = EpicsMotor("m1", beamline.pv("m1"))
        cam = AreaDetector("cam", beamline.prefix, **{"file_plugin": "HDF1:", "stats": "STATS1:", **kwargs})
        made.extend([m1, cam])
        return m1, cam

    yield make  # type: ignore[misc]
    for device in made:
        device.close()


def scan_file(data_dir: Path) -> Path:
    (path,) = sorted(data_dir.glob("i99-*.nxs"))
    return path


def expected_frames(uids: list[int], fpp: int) -> np.ndarray:
    return np.stack([ramp(NY, NX, "UInt16", u) for last in uids for u in range(last - fpp + 1, last + 1)])


def test_scan_frames_read_back_through_the_scan_files_link(ctx, documents, devices, nexus_files) -> None:  # noqa: ANN001
    m1, cam = devices()
    assert cam.writes_files
    scan(m1, 0, 1, 0.1, cam, 0.01)
    points = [d for d in documents if isinstance(d, ScanPoint)]
    assert len(points) == 11
    assert all(isinstance(p.data["frames"], float) for p in points)  # numbers in the table, no frames
    uids = [int(p.data["unique_id"]) for p in points]
    want = expected_frames(uids, 1)
    path = scan_file(nexus_files)
    with h5py.File(path, "r") as f:
        link = f["entry1/instrument/cam"].get("data", getlink=True)
        assert isinstance(link, h5py.ExternalLink) and link.path == "/entry/data/data"
        assert (nexus_files / link.filename).name == f"{path.stem}-cam-000000.h5"
        np.testing.assert_array_equal(f["entry1/instrument/cam/data"][()], want)
        np.testing.assert_array_equal(f["entry1/cam/data"][()], want)
        assert int(f["entry1/instrument/cam/frames_written"][()]) == 11
        assert f["entry1/scan_status"][()].decode() == "COMPLETED_OKAY"
        totals = f["entry1/instrument/cam/total"][()]
        maxima = f["entry1/instrument/cam/max"][()]
        means = f["entry1/instrument/cam/mean"][()]
    np.testing.assert_allclose(totals, want.reshape(11, -1).sum(axis=1, dtype=np.float64))
    np.testing.assert_array_equal(maxima, want.reshape(11, -1).max(axis=1))
    np.testing.assert_allclose(means, want.reshape(11, -1).mean(axis=1))
    with silx.io.open(str(path)) as f:
        np.testing.assert_array_equal(f["entry1/instrument/cam/data"][()], want)


def test_several_frames_per_point(ctx, documents, devices, nexus_files) -> None:  # noqa: ANN001
    m1, cam = devices(frames_per_point=3)
    scan(m1, 0, 2, 1, cam, 0.005)
    points = [d for d in documents if isinstance(d, ScanPoint)]
    assert [p.data["frames"] for p in points] == [3.0, 6.0, 9.0]
    want = expected_frames([int(p.data["unique_id"]) for p in points], 3)
    with h5py.File(scan_file(nexus_files), "r") as f:
        np.testing.assert_array_equal(f["entry1/instrument/cam/data"][()], want)
        assert int(f["entry1/instrument/cam/frames_per_point"][()]) == 3
        totals = f["entry1/instrument/cam/total"][()]
    np.testing.assert_allclose(totals, want.reshape(3, -1).sum(axis=1, dtype=np.float64))


def test_stray_frames_send_the_rest_of_the_scan_to_a_second_file_read_through_a_vds(
        ctx, documents, devices, nexus_files, beamline) -> None:  # noqa: ANN001
    m1, cam = devices(stats=None)

    def stray_frame(doc: object) -> None:  # as the attempt of a retaken point leaves a frame behind
        if isinstance(doc, ScanPoint) and doc.index == 1:
            caput(beamline.pv("cam1:Acquire"), 1)

    ctx.stream.subscribe(stray_frame)
    scan(m1, 0, 3, 1, cam, 0.005)
    points = [d for d in documents if isinstance(d, ScanPoint)]
    want = expected_frames([int(p.data["unique_id"]) for p in points], 1)
    path = scan_file(nexus_files)
    assert (nexus_files / f"{path.stem}-cam-000001.h5").exists()
    with h5py.File(path, "r") as f:
        dset = f["entry1/instrument/cam/data"]
        assert dset.is_virtual and dset.shape == (4, NY, NX)
        np.testing.assert_array_equal(dset[()], want)
        np.testing.assert_array_equal(f["entry1/cam/data"][()], want)
    with silx.io.open(str(path)) as f:
        np.testing.assert_array_equal(f["entry1/instrument/cam/data"][()], want)


def failed_scan(ctx, documents, m1, cam, nexus_files, npoints: int = 4) -> tuple[str, h5py.File]:  # noqa: ANN001
    with pytest.raises(DeviceError) as raised:
        scan(m1, 0, npoints - 1, 1, cam, 0.005)
    (stop,) = [d for d in documents if isinstance(d, ScanStop)]
    assert stop.status.value == "COMPLETED_AFTER_FAILURE"
    return str(raised.value), h5py.File(scan_file(nexus_files), "r")


def test_a_missing_folder_fails_the_scan_naming_device_and_path(ctx, documents, devices, nexus_files) -> None:  # noqa: ANN001
    m1, cam = devices(file_folder="/no/such/folder")
    message, f = failed_scan(ctx, documents, m1, cam, nexus_files)
    assert "\n" not in message and "cam" in message and "/no/such/folder" in message
    with f:
        assert int(f["entry1/instrument/cam/frames_written"][()]) == 0
        assert "/no/such/folder" in f["entry1/instrument/cam/frames_reason"][()].decode()


def test_a_capture_stopped_mid_scan_fails_it_and_the_file_links_only_the_frames_written(
        ctx, documents, devices, nexus_files, beamline) -> None:  # noqa: ANN001
    m1, cam = devices()

    def stop_capture(doc: object) -> None:
        if isinstance(doc, ScanPoint) and doc.index == 1:
            stop_capture_now(beamline.pv("HDF1:Capture"))

    ctx.stream.subscribe(stop_capture)
    message, f = failed_scan(ctx, documents, m1, cam, nexus_files)
    assert "stopped capturing after 2 of the 3 frames it received" in message
    with f:
        assert int(f["points_completed"][()] if "points_completed" in f else f["entry1/points_completed"][()]) == 2
        assert f["entry1/instrument/cam/data"].shape[0] == 2
        assert int(f["entry1/instrument/cam/frames_written"][()]) == 2
        assert "stopped capturing" in f["entry1/instrument/cam/frames_reason"][()].decode()


def test_frames_that_never_reach_the_file_fail_the_scan(ctx, documents, devices, nexus_files, beamline) -> None:  # noqa: ANN001
    m1, cam = devices(settle_timeout=1.0)

    def starve(doc: object) -> None:
        if isinstance(doc, ScanPoint) and doc.index == 0:
            caput(beamline.pv("HDF1:EnableCallbacks"), "Disable")

    ctx.stream.subscribe(starve)
    message, f = failed_scan(ctx, documents, m1, cam, nexus_files)
    assert "did not reach the file plugin" in message and "frames lost" in message
    with f:
        assert f["entry1/instrument/cam/data"].shape[0] == int(f["entry1/instrument/cam/frames_written"][()]) == 1


def test_dropped_frames_fail_the_scan(ctx, documents, devices, nexus_files, beamline) -> None:  # noqa: ANN001
    m1, cam = devices()

    def drop(doc: object) -> None:
        if isinstance(doc, ScanPoint) and doc.index == 0:
            caput(beamline.pv("HDF1:QueueSize"), 0)

    ctx.stream.subscribe(drop)
    message, f = failed_scan(ctx, documents, m1, cam, nexus_files)
    assert "dropped 1 frames" in message
    with f:
        assert int(f["entry1/instrument/cam/frames_written"][()]) == 1


def test_a_configured_session_scans_in_file_mode(tmp_path: Path, ctx, beamline, monkeypatch) -> None:  # noqa: ANN001
    """The TOML keys are the constructor's; a session's scan files link the frames."""
    from gda_bridge.session import Session

    monkeypatch.delenv("GDA_BRIDGE_DATA_DIR", raising=False)
    config = tmp_path / "beamline.toml"
    config.write_text(f"""
[beamline]
data_dir = "data"

[devices.m1]
driver = "epics_motor"
pv = "{beamline.pv('m1')}"

[devices.cam]
driver = "area_detector"
prefix = "{beamline.prefix}"
file_plugin = "HDF1:"
stats = "STATS1:"
frames_per_point = 2
""")
    session = Session.from_config(config)
    try:
        ns = session.namespace
        result = ns["scan"](ns["m1"], 0, 1, 0.5, ns["cam"], 0.005)
        assert result.status.value == "COMPLETED_OKAY"
        path = Path(result.file)
        with h5py.File(path, "r") as f:
            uids = [int(u) for u in f["entry1/instrument/cam/unique_id"][()]]
            np.testing.assert_array_equal(f["entry1/instrument/cam/data"][()], expected_frames(uids, 2))
        assert (path.parent / f"{path.stem}-cam-000000.h5").exists()
    finally:
        session.close()


@pytest.fixture
def own_ioc() -> Iterator[SimIOC]:
    """A beamline for one test that may leave it unusable."""
    ioc = ioc_pool().start(args=("--frame-size", f"{NX}x{NY}", "--seed", "1"))
    for name, value in {"cam1:SimMode": "Ramp", "image1:EnableCallbacks": "Disable", "m1.VELO": 1e6}.items():
        caput(ioc.pv(name), value)
    yield ioc
    ioc.stop()


def test_a_full_disk_fails_the_scan_with_the_plugins_message(ctx, documents, own_ioc, nexus_files, tmp_path) -> None:  # noqa: ANN001
    """The detector files go to a small tmpfs, filled up after point 1: the plugin's next write fails."""
    import subprocess

    small = tmp_path / "small"
    small.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(small)],
                      capture_output=True).returncode != 0:
        pytest.skip("a small tmpfs cannot be mounted here (needs root)")
    m1 = EpicsMotor("m1", own_ioc.pv("m1"))
    cam = AreaDetector("cam", own_ioc.prefix, file_plugin="HDF1:", file_folder=str(small))
    try:
        def fill_disk(doc: object) -> None:
            if isinstance(doc, ScanPoint) and doc.index == 1:
                try:
                    with open(small / "filler", "wb") as filler:
                        while True:
                            filler.write(b"\0" * 4096)
                            filler.flush()
                except OSError:  # ENOSPC: full
                    pass

        ctx.stream.subscribe(fill_disk)
        message, f = failed_scan(ctx, documents, m1, cam, nexus_files, npoints=6)
        assert "reports a write error" in message and "\n" not in message
        with f:
            link = f["entry1/instrument/cam"].get("data", getlink=True)
            written = int(f["entry1/instrument/cam/frames_written"][()])
            assert written == int(f["entry1/points_completed"][()]) == 2
            assert "write error" in f["entry1/instrument/cam/frames_reason"][()].decode()
            # (the detector file itself may be unreadable: HDF5 could not close it on a full disk)
        assert isinstance(link, h5py.ExternalLink) and link.filename.startswith(str(small))
    finally:
        cam.close()
        m1.close()
        subprocess.run(["umount", "-l", str(small)], check=False)


def test_an_aborted_scan_closes_the_file_and_links_the_points_frames(ctx, documents, devices, nexus_files) -> None:  # noqa: ANN001
    m1, cam = devices(stats=None)

    def abort(doc: object) -> None:
        if isinstance(doc, ScanPoint) and doc.index == 1:
            ctx.running.request_abort()

    ctx.stream.subscribe(abort)
    with pytest.raises(BaseException):  # noqa: B017, PT011 - the abort's own exception, whichever layer raises it
        scan(m1, 0, 5, 1, cam, 0.005)
    (stop,) = [d for d in documents if isinstance(d, ScanStop)]
    assert stop.status.value == "COMPLETED_AFTER_STOP"
    uids = [int(p.data["unique_id"]) for p in documents if isinstance(p, ScanPoint)]
    with h5py.File(scan_file(nexus_files), "r") as f:
        n = int(f["entry1/points_completed"][()])
        assert n == len(uids) and int(f["entry1/instrument/cam/frames_written"][()]) == n
        np.testing.assert_array_equal(f["entry1/instrument/cam/data"][()], expected_frames(uids, 1))
        assert f["entry1/instrument/cam/frames_reason"][()].decode() == ""
