"""A detector that writes its own files: the scan file links its frames (one file) or maps them
in a virtual dataset (several files, or frames of no recorded point), read through the scan file
by h5py and silx; the file says how many frames it really holds."""

from __future__ import annotations

import time
from pathlib import Path

import h5py
import numpy as np
import pytest
import silx.io
from scan_docs import motor, start

from gda_bridge.core import detector_files
from gda_bridge.core.documents import (
    DeviceDescription,
    ExternalFrames,
    FieldDescription,
    FramesWritten,
    ScanPoint,
    ScanStatus,
    ScanStop,
)
from gda_bridge.nexus import NexusWriter

NY, NX = 4, 5
DATASET = "/entry/data/data"


def file_camera(fpp: int = 1) -> DeviceDescription:
    fields = tuple(FieldDescription(n, n, "cam", "extra") for n in ("frames", "unique_id", "total"))
    spec = ExternalFrames("{scan}-cam-000000.h5", DATASET, fpp, (NY, NX), "<u2")
    return DeviceDescription("cam", "detector", fields, collection_time=0.01, external_frames=spec)


def frame(k: int) -> np.ndarray:
    return (np.arange(NY * NX, dtype=np.uint16).reshape(NY, NX) + 100 * k).astype(np.uint16)


def write_detector_file(path: Path, first: int, n: int) -> None:
    """What the file plugin writes: frames ``first..first+n-1`` at /entry/data/data."""
    with h5py.File(path, "w") as f:
        f.create_dataset(DATASET, data=np.stack([frame(k) for k in range(first, first + n)]))


def run_scan(data_dir: Path, n: int, fpp: int, files: list[tuple[int, int, int]], reason: str | None = None,
             status: ScanStatus = ScanStatus.COMPLETED_OKAY) -> Path:
    """A scan of ``n`` points whose detector wrote ``files`` = (first frame, used, written) each."""
    writer = NexusWriter(data_dir, "i99", flush_interval=0.05)
    doc = start((n,), [motor("m1"), file_camera(fpp)])
    writer(doc)
    target = detector_files.current()
    assert target is not None and target.uid == doc.uid and target.num_points == n
    with h5py.File(target.path, "r", swmr=True) as f:  # the link is there from the start
        link = f["entry1/instrument/cam"].get("data", getlink=True)
        assert isinstance(link, h5py.ExternalLink)
        assert link.filename == f"./{target.path.stem}-cam-000000.h5" and link.path == DATASET
    reported = []
    for i, (first, used, written) in enumerate(files):
        name = f"{target.path.stem}-cam-{i:06d}.h5"
        write_detector_file(data_dir / name, first, written)
        reported.append((name, used, written))
    for i in range(n):
        writer(ScanPoint(doc.uid, i, (i,), time.time(), {"m1": float(i), "frames": float((i + 1) * fpp),
                                                         "unique_id": float(i), "total": 1.0}))
    report = FramesWritten("cam", DATASET, fpp, tuple(reported), reason)
    writer(ScanStop(doc.uid, status, n, time.time(), reason, (report,)))
    writer.close()
    assert detector_files.current() is None
    return target.path


def frames_through(path: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    with h5py.File(path, "r") as f:
        by_h5py = f["entry1/instrument/cam/data"][()]
        nxdata = f["entry1/cam/data"][()]
        assert f["entry1/cam"].attrs["signal"] == "data"
        written = int(f["entry1/instrument/cam/frames_written"][()])
    with silx.io.open(str(path)) as f:
        by_silx = f["entry1/instrument/cam/data"][()]
    return by_h5py, nxdata, by_silx, written


def test_one_file_is_linked_and_reads_back_pixel_exact(tmp_path: Path) -> None:
    path = run_scan(tmp_path, 3, 1, [(0, 3, 3)])
    with h5py.File(path, "r") as f:
        assert isinstance(f["entry1/instrument/cam"].get("data", getlink=True), h5py.ExternalLink)
    expected = np.stack([frame(k) for k in range(3)])
    for got in frames_through(path)[:3]:
        np.testing.assert_array_equal(got, expected)
    assert frames_through(path)[3] == 3


def test_frames_in_two_files_read_through_a_virtual_dataset(tmp_path: Path) -> None:
    # frames 0..1 of points 0-1, then frame 2 of an attempt that was retaken; points 2-3 in the next file
    path = run_scan(tmp_path, 4, 1, [(0, 2, 3), (10, 2, 2)])
    with h5py.File(path, "r") as f:
        dset = f["entry1/instrument/cam/data"]
        assert dset.is_virtual and dset.shape == (4, NY, NX)
    expected = np.stack([frame(0), frame(1), frame(10), frame(11)])
    for got in frames_through(path)[:3]:
        np.testing.assert_array_equal(got, expected)
    assert frames_through(path)[3] == 4


def test_unused_frames_at_the_end_of_one_file_are_not_linked(tmp_path: Path) -> None:
    path = run_scan(tmp_path, 2, 2, [(0, 4, 5)])
    by_h5py, _nx, _silx, written = frames_through(path)
    assert by_h5py.shape == (4, NY, NX) and written == 4


def test_a_short_capture_says_how_many_frames_and_why(tmp_path: Path) -> None:
    reason = "cam: the file plugin BL:HDF1: reports a write error: disk full"
    path = run_scan(tmp_path, 3, 1, [(0, 2, 2)], reason, ScanStatus.COMPLETED_AFTER_FAILURE)
    by_h5py, _nx, _silx, written = frames_through(path)
    assert by_h5py.shape[0] == written == 2
    with h5py.File(path, "r") as f:
        assert f["entry1/instrument/cam/frames_reason"][()].decode() == reason
        assert f["entry1/scan_status"][()].decode() == "COMPLETED_AFTER_FAILURE"


def test_no_report_leaves_zero_frames_and_a_reason(tmp_path: Path) -> None:
    writer = NexusWriter(tmp_path, "i99")
    doc = start((1,), [motor("m1"), file_camera()])
    writer(doc)
    writer(ScanStop(doc.uid, ScanStatus.COMPLETED_AFTER_FAILURE, 0, time.time(), "cam: cannot write to /nope/"))
    path = writer.path
    writer.close()
    with h5py.File(path, "r") as f:
        assert int(f["entry1/instrument/cam/frames_written"][()]) == 0
        assert "cannot write to /nope/" in f["entry1/instrument/cam/frames_reason"][()].decode()


@pytest.fixture(autouse=True)
def _no_scan_left() -> None:
    assert detector_files.current() is None


def uid_camera() -> DeviceDescription:
    fields = tuple(FieldDescription(n, n, "cam", "extra") for n in ("frames", "unique_id"))
    spec = ExternalFrames("{scan}-cam-000000.h5", DATASET, 1, (NY, NX), "<u2", uid_field="unique_id",
                          uid_dataset="/entry/instrument/NDAttributes/NDArrayUniqueId")
    return DeviceDescription("cam", "detector", fields, collection_time=0.01, external_frames=spec)


@pytest.mark.parametrize(("files", "point_uids", "linked", "missing"), [
    ([[1, 2, 3]], [1, 2, 3], True, 0),
    ([[1, 2, 99, 3]], [1, 2, 3], False, 0),  # a stray frame inside the file is left out
    ([[1, 99], [2, 3]], [1, 2, 3], False, 0),
    ([[1, 2]], [1, 2, 3], False, 1),  # frame 3 is in no file: counted and named
])
def test_points_frames_are_found_by_unique_id(tmp_path: Path, files: list[list[int]], point_uids: list[int],
                                              linked: bool, missing: int) -> None:
    writer = NexusWriter(tmp_path, "i99")
    doc = start((len(point_uids),), [motor("m1"), uid_camera()])
    writer(doc)
    stem = writer.path.stem
    reported = []
    for i, uids in enumerate(files):
        name = f"{stem}-cam-{i:06d}.h5"
        with h5py.File(tmp_path / name, "w") as f:
            f.create_dataset(DATASET, data=np.stack([frame(u) for u in uids]))
            f["/entry/instrument/NDAttributes/NDArrayUniqueId"] = np.asarray(uids, dtype=np.int32)
        reported.append((name, len(uids), len(uids)))
    for i, uid in enumerate(point_uids):
        writer(ScanPoint(doc.uid, i, (i,), time.time(), {"m1": float(i), "frames": float(i + 1),
                                                         "unique_id": float(uid)}))
    report = FramesWritten("cam", DATASET, 1, tuple(reported))
    writer(ScanStop(doc.uid, ScanStatus.COMPLETED_OKAY, len(point_uids), time.time(), None, (report,)))
    path = writer.path
    writer.close()
    with h5py.File(path, "r") as f:
        group = f["entry1/instrument/cam"]
        assert isinstance(group.get("data", getlink=True), h5py.ExternalLink) == linked
        got = group["data"][()]
        assert int(group["frames_written"][()]) == len(point_uids) - missing
        reason = group["frames_reason"][()].decode()
    assert got.shape[0] == len(point_uids)
    for i, uid in enumerate(point_uids):
        if i < len(point_uids) - missing:
            np.testing.assert_array_equal(got[i], frame(uid))
    assert (f"{missing} of the {len(point_uids)} frames" in reason) == bool(missing)
