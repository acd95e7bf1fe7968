"""Aborted and failed scans, and a writer that cannot write: the file stays valid and says why."""

import h5py
import numpy as np
import pytest
from file_checks import check_file
from scan_docs import camera, counter, motor, run, start, stop, value

from gda_bridge.core.documents import ScanPoint, ScanStatus
from gda_bridge.core.stream import DocumentStream
from gda_bridge.nexus import NexusWriteError, NexusWriter


def test_aborted_grid_keeps_its_shape(data_dir):
    s = start((4, 5), [motor("y", 0), motor("x", 1), counter("det"), camera("cam", (8, 8))])
    n = run(NexusWriter(data_dir, "i99"), s, limit=7, status=ScanStatus.COMPLETED_AFTER_STOP,
            reason="Scan aborted on request.")
    assert n == 7
    path = data_dir / "i99-1.nxs"
    plot = check_file(path)
    assert plot.signal_shape == (4, 5)
    with h5py.File(path) as f:
        e = f["entry1"]
        assert e["scan_status"][()] == b"COMPLETED_AFTER_STOP"
        assert e["scan_reason"][()] == b"Scan aborted on request."
        assert e["points_completed"][()] == 7
        det = e["instrument/det/counts"][()]
        assert det.shape == (4, 5)
        assert det[1, 1] == value("det", (1, 1))
        assert np.isnan(det[1, 2:]).all() and np.isnan(det[2:]).all()  # unreached: NaN
        cam = e["instrument/cam/data"]
        assert cam.shape == (4, 5, 8, 8)
        assert (cam[3, 4] == np.iinfo(np.uint16).max).all()  # unreached frame: the fill value
        assert e["end_time"][()] != b""


def test_failed_scan_records_reason(data_dir):
    s = start((10,), [motor("x"), counter("det")])
    run(NexusWriter(data_dir, "i99"), s, limit=3, status=ScanStatus.COMPLETED_AFTER_FAILURE,
        reason="DeviceError: det: readout timed out after 5 s")
    path = data_dir / "i99-1.nxs"
    check_file(path)
    with h5py.File(path) as f:
        assert f["entry1/scan_status"][()] == b"COMPLETED_AFTER_FAILURE"
        assert f["entry1/scan_reason"][()].decode() == "DeviceError: det: readout timed out after 5 s"
        assert np.isfinite(f["entry1/instrument/det/counts"][()]).sum() == 3


def test_scan_stopped_before_any_point(data_dir):
    s = start((5,), [motor("x"), camera("cam", None, None)])
    run(NexusWriter(data_dir, "i99"), s, limit=0, status=ScanStatus.COMPLETED_AFTER_FAILURE, reason="x: limit")
    path = data_dir / "i99-1.nxs"
    check_file(path)
    with h5py.File(path) as f:
        assert f["entry1/points_completed"][()] == 0
        assert f["entry1/scan_status"][()] == b"COMPLETED_AFTER_FAILURE"


def test_unwritable_frame_ends_the_scan_and_is_recorded(data_dir):
    s = start((5,), [motor("x"), camera("cam", (8, 8))])
    stream = DocumentStream()
    stream.subscribe(NexusWriter(data_dir, "i99"), critical=True)
    stream.emit(s)
    stream.emit(ScanPoint(s.uid, 0, (0,), 0.0, {"x": 0.0, "cam.data": np.zeros((8, 8), "uint16")}))
    stream.emit(ScanPoint(s.uid, 1, (1,), 0.0, {"x": 1.0, "cam.data": np.zeros((9, 9), "uint16")}))
    with pytest.raises(NexusWriteError, match=r"cam\.data: got an array of shape \(9, 9\), the scan declared \(8, 8\)"):
        for i in range(2, 5):  # the writer reports the failure at the next document it gets
            stream.emit(ScanPoint(s.uid, i, (i,), 0.0, {"x": float(i), "cam.data": np.zeros((8, 8), "uint16")}))
        stream.emit(stop(s, 5))
    stream.emit(stop(s, 2, ScanStatus.COMPLETED_AFTER_FAILURE, "file writer failed"))
    path = data_dir / "i99-1.nxs"
    check_file(path)
    with h5py.File(path) as f:
        assert f["entry1/scan_status"][()] == b"COMPLETED_AFTER_FAILURE"
        assert b"(9, 9)" in f["entry1/scan_reason"][()]
