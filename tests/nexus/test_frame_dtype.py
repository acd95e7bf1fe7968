"""Frames keep their dtype in the file; a frame the dataset's dtype cannot hold is not cast."""

import h5py
import numpy as np
import pytest
from scan_docs import camera, motor, start, stop

from gda_bridge.core.documents import ScanPoint
from gda_bridge.nexus import NexusWriter
from gda_bridge.nexus.writer import NexusWriteError


@pytest.mark.parametrize("dtype", ["int8", "uint8", "int16", "uint16", "int32", "uint32", "float32", "float64"])
def test_frames_are_stored_with_their_dtype(data_dir, dtype):
    s = start((2,), [motor("x"), camera("cam", None, None)])
    writer = NexusWriter(data_dir, "i99")
    writer(s)
    info = np.finfo(dtype) if dtype.startswith("float") else np.iinfo(dtype)
    frames = [np.array([[info.min, info.max], [0, 1]], dtype=dtype) + i for i in range(2)]
    for i, fr in enumerate(frames):
        writer(ScanPoint(s.uid, i, (i,), 0.0, {"x": float(i), "cam.data": fr}))
    writer(stop(s, 2))
    writer.close()
    with h5py.File(data_dir / "i99-1.nxs") as f:
        data = f["entry1/instrument/cam/data"]
        assert data.dtype == np.dtype(dtype)
        np.testing.assert_array_equal(data[()], np.stack(frames))


def test_a_frame_the_dataset_cannot_hold_is_refused_not_cast(data_dir):
    s = start((2,), [motor("x"), camera("cam", None, None)])
    writer = NexusWriter(data_dir, "i99")
    writer(s)
    writer(ScanPoint(s.uid, 0, (0,), 0.0, {"x": 0.0, "cam.data": np.ones((2, 2), dtype=np.uint16)}))
    writer(ScanPoint(s.uid, 1, (1,), 0.0, {"x": 1.0, "cam.data": np.full((2, 2), 0.5)}))
    with pytest.raises(NexusWriteError, match=r"cam.data: got a float64 frame, the dataset is uint16"):
        writer(stop(s, 2))
    writer.close()
    with h5py.File(data_dir / "i99-1.nxs") as f:
        assert f["entry1/scan_status"][()] == b"COMPLETED_AFTER_FAILURE"
        assert b"got a float64 frame" in f["entry1/scan_reason"][()]
        assert (f["entry1/instrument/cam/data"][1] == 65535).all()  # the fill value, not 0.5 cast to 0
