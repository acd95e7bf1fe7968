"""Detector frames: one chunk per frame, each compression, read back by HDF5's own decoders."""

import h5py
import numpy as np
import pytest
from file_checks import check_file
from scan_docs import camera, counter, frame, motor, run, start, stop

from gda_bridge.core.documents import ScanPoint
from gda_bridge.nexus import NexusWriter

FILTER_IDS = {"blosc": 32001, "bitshuffle": 32008, "gzip": h5py.h5z.FILTER_DEFLATE,
              "lzf": h5py.h5z.FILTER_LZF, "none": None}


@pytest.mark.parametrize("compression", list(FILTER_IDS))
def test_frames_on_a_grid(data_dir, compression):
    shape = (48, 64)
    s = start((3, 4), [motor("y", 0), motor("x", 1), counter("det"), camera("cam", shape)],
              command="scan y 0 2 1 x 0 3 1 det cam")
    run(NexusWriter(data_dir, "i99", frame_compression=compression), s)
    path = data_dir / "i99-1.nxs"
    check_file(path)
    with h5py.File(path) as f:
        data = f["entry1/instrument/cam/data"]
        assert data.shape == (3, 4, *shape) and data.dtype == np.uint16
        assert data.chunks == (1, 1, *shape)
        plist = data.id.get_create_plist()
        if FILTER_IDS[compression] is None:
            assert plist.get_nfilters() == 0
        else:
            assert plist.get_filter(0)[0] == FILTER_IDS[compression]
        for idx in [(0, 0), (1, 2), (2, 3)]:
            np.testing.assert_array_equal(data[idx], frame(idx, shape))
        nxd = f["entry1/cam"]
        assert nxd.attrs["signal"] == "data"  # GDA: /entry1/<detector>/data
        assert list(nxd.attrs["axes"]) == ["y_set", "x_set", ".", "."]
        assert nxd["data"].attrs["interpretation"] == "image"


def test_incompressible_frames_are_stored_raw(data_dir):
    s = start((2,), [motor("x"), camera("cam", (32, 32), "uint8")])
    writer = NexusWriter(data_dir, "i99")
    writer(s)
    rng = np.random.default_rng(1)
    frames = [rng.integers(0, 256, (32, 32), dtype=np.uint8) for _ in range(2)]
    for i, fr in enumerate(frames):
        writer(ScanPoint(s.uid, i, (i,), 0.0, {"x": float(i), "cam.data": fr}))
    writer(stop(s, 2))
    check_file(data_dir / "i99-1.nxs")
    with h5py.File(data_dir / "i99-1.nxs") as f:
        for i, fr in enumerate(frames):
            np.testing.assert_array_equal(f["entry1/instrument/cam/data"][i], fr)


def test_frame_shape_from_the_first_point(data_dir):
    """A camera that does not know its frame size before the scan (FieldDescription.shape None)."""
    s = start((4,), [motor("x"), camera("cam", None, None)], command="scan x 0 3 1 cam")
    run(NexusWriter(data_dir, "i99"), s)
    path = data_dir / "i99-1.nxs"
    plot = check_file(path)
    assert plot.group == "/entry1/cam"
    with h5py.File(path) as f:
        data = f["entry1/instrument/cam/data"]
        assert data.shape == (4, 6, 5) and data.dtype == np.uint16
        np.testing.assert_array_equal(data[3], frame((3,), (6, 5)))
