"""The simulated NDFileHDF5 plugin (HDF1:) over real Channel Access; files read back with h5py."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import epics
import h5py
import numpy as np
import pytest

from gda_bridge.sim_ioc import SimIOC
from gda_bridge.sim_ioc._camera_frames import ramp
from gda_bridge.sim_ioc.testing import DEFAULT_ARGS, ioc_pool

NX, NY = 256, 192


def put(pvname: str, value: object, timeout: float = 10) -> None:
    assert epics.get_pv(pvname, connect=True).put(value, wait=True, timeout=timeout) is not None


def get(pvname: str, **kw: object) -> object:
    return epics.caget(pvname, use_monitor=False, timeout=5, **kw)


def text(pvname: str) -> str:
    return str(epics.caget(pvname, as_string=True, use_monitor=False, timeout=5))


@pytest.fixture(scope="module")
def ioc() -> Iterator[SimIOC]:
    """A beamline of its own: these tests change the camera's modes."""
    ioc = ioc_pool().start(args=DEFAULT_ARGS)
    yield ioc
    ioc.stop()


@pytest.fixture
def hdf(ioc: SimIOC, tmp_path: Path) -> Iterator[SimIOC]:
    """Ramp frames of 1 ms in Multiple mode, no CA preview, HDF1 streaming into tmp_path."""
    settings = {"cam1:SimMode": "Ramp", "cam1:AcquireTime": 0.001, "cam1:AcquirePeriod": 0.0,
                "cam1:ImageMode": "Multiple", "cam1:TriggerMode": "Internal", "cam1:DataType": "UInt16",
                "image1:EnableCallbacks": "Disable", "HDF1:FilePath": str(tmp_path),
                "HDF1:FileName": "scan", "HDF1:FileNumber": 7, "HDF1:AutoIncrement": "No",
                "HDF1:FileWriteMode": "Stream", "HDF1:Compression": "None", "HDF1:NumFramesChunks": 1,
                "HDF1:SWMRMode": "Off", "HDF1:EnableCallbacks": "Enable"}
    for name, value in settings.items():
        put(ioc.pv(name), value)
    yield ioc
    if get(ioc.pv("HDF1:Capture_RBV")):
        put(ioc.pv("HDF1:Capture"), 0)
    put(ioc.pv("image1:EnableCallbacks"), "Enable")
    put(ioc.pv("cam1:ImageMode"), "Single")


def acquire(ioc: SimIOC, frames: int) -> int:
    """Take ``frames`` frames; return the UniqueId of the first."""
    first = int(get(ioc.pv("cam1:UniqueId_RBV"))) + 1
    put(ioc.pv("cam1:NumImages"), frames)
    put(ioc.pv("cam1:Acquire"), 1)
    return first


def start_capture(ioc: SimIOC, frames: int) -> threading.Event:
    """Capture=1 with a put-callback; the returned event is set when the put completes."""
    done = threading.Event()
    put(ioc.pv("HDF1:NumCapture"), frames)
    epics.get_pv(ioc.pv("HDF1:Capture"), connect=True).put(1, wait=False, use_complete=True,
                                                            callback=lambda **_: done.set())
    assert wait_for(lambda: get(ioc.pv("HDF1:Capture_RBV")) == 1)
    return done


def wait_for(condition, timeout: float = 10.0) -> bool:  # noqa: ANN001
    """Poll a Channel Access condition until it holds (CA reads, not sleeps, pace the loop)."""
    import time

    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return True
        epics.ca.poll(0.005)
    return False


def test_stream_capture_writes_the_ramp_frames_pixel_exact(hdf: SimIOC, tmp_path: Path) -> None:
    done = start_capture(hdf, 5)
    assert text(hdf.pv("HDF1:FullFileName_RBV")) == f"{tmp_path}/scan_000007.h5"
    first = acquire(hdf, 5)
    assert done.wait(10), "the Capture put did not complete after NumCapture frames"
    assert get(hdf.pv("HDF1:Capture_RBV")) == 0
    assert get(hdf.pv("HDF1:NumCaptured_RBV")) == 5
    assert text(hdf.pv("HDF1:WriteStatus")) == "Write OK"
    with h5py.File(tmp_path / "scan_000007.h5", "r") as f:
        data = f["/entry/data/data"]
        assert data.shape == (5, NY, NX) and data.dtype == np.uint16
        assert data.chunks == (1, NY, NX)
        for i in range(5):
            np.testing.assert_array_equal(data[i], ramp(NY, NX, "UInt16", first + i))
        ids = f["/entry/instrument/NDAttributes/NDArrayUniqueId"][()]
        np.testing.assert_array_equal(ids, np.arange(first, first + 5))
        for name in ("NDArrayTimeStamp", "NDArrayEpicsTSSec", "NDArrayEpicsTSnSec"):
            assert f[f"/entry/instrument/NDAttributes/{name}"].shape == (5,)
    import silx.io

    with silx.io.open(str(tmp_path / "scan_000007.h5")) as f:  # an independent reader
        np.testing.assert_array_equal(f["/entry/instrument/detector/data"][4], ramp(NY, NX, "UInt16", first + 4))
        assert f["/entry/data"].attrs["signal"] == "data"


def test_stats_of_a_ramp_frame_equal_numpys(hdf: SimIOC) -> None:
    put(hdf.pv("STATS1:EnableCallbacks"), "Enable")
    put(hdf.pv("STATS1:ComputeStatistics"), "Yes")
    last = acquire(hdf, 1)
    assert wait_for(lambda: get(hdf.pv("STATS1:UniqueId_RBV")) == last)
    frame = ramp(NY, NX, "UInt16", last).astype(np.float64)
    assert get(hdf.pv("STATS1:Total_RBV")) == pytest.approx(frame.sum())
    assert get(hdf.pv("STATS1:MeanValue_RBV")) == pytest.approx(frame.mean())
    assert get(hdf.pv("STATS1:MinValue_RBV")) == frame.min()
    assert get(hdf.pv("STATS1:MaxValue_RBV")) == frame.max()
    assert get(hdf.pv("STATS1:SigmaValue_RBV")) == pytest.approx(frame.std())


def test_capture_mode_holds_the_frames_and_completes_the_put_once_the_file_is_written(hdf: SimIOC,
                                                                                       tmp_path: Path) -> None:
    put(hdf.pv("HDF1:FileWriteMode"), "Capture")
    done = start_capture(hdf, 3)
    assert not done.is_set()
    first = acquire(hdf, 2)
    assert wait_for(lambda: get(hdf.pv("HDF1:NumCaptured_RBV")) == 2)
    assert not done.is_set(), "the Capture put completed before NumCapture frames"
    acquire(hdf, 1)
    assert done.wait(10)
    with h5py.File(tmp_path / "scan_000007.h5", "r") as f:
        np.testing.assert_array_equal(f["/entry/instrument/NDAttributes/NDArrayUniqueId"][()],
                                      np.arange(first, first + 3))
        np.testing.assert_array_equal(f["/entry/data/data"][2], ramp(NY, NX, "UInt16", first + 2))


@pytest.mark.parametrize(("compression", "chunk_frames"), [("zlib", 1), ("Blosc", 2), ("BSLZ4", 1), ("LZ4", 3)])
def test_compressed_files_read_back_with_hdf5plugin(hdf: SimIOC, tmp_path: Path, compression: str,
                                                    chunk_frames: int) -> None:
    import hdf5plugin  # noqa: F401  (registers the Blosc, Bitshuffle and LZ4 filters for reading)

    put(hdf.pv("HDF1:Compression"), compression)
    put(hdf.pv("HDF1:NumFramesChunks"), chunk_frames)
    done = start_capture(hdf, 4)
    first = acquire(hdf, 4)
    assert done.wait(10)
    assert get(hdf.pv("HDF1:NumCaptured_RBV")) == 4
    with h5py.File(tmp_path / "scan_000007.h5", "r") as f:
        data = f["/entry/data/data"]
        assert data.chunks == (chunk_frames, NY, NX)
        assert data.id.get_create_plist().get_nfilters() == 1
        for i in range(4):
            np.testing.assert_array_equal(data[i], ramp(NY, NX, "UInt16", first + i))


def test_a_compression_the_simulation_lacks_fails_the_capture_with_a_message(hdf: SimIOC, tmp_path: Path) -> None:
    put(hdf.pv("HDF1:Compression"), "szip")
    put(hdf.pv("HDF1:Capture"), 1)  # completes at once: the capture does not start
    assert get(hdf.pv("HDF1:Capture_RBV")) == 0
    assert text(hdf.pv("HDF1:WriteStatus")) == "Write error"
    assert "szip" in text(hdf.pv("HDF1:WriteMessage"))
    assert not list(tmp_path.iterdir())


def test_a_missing_folder_is_a_write_error_and_no_capture(hdf: SimIOC, tmp_path: Path) -> None:
    missing = tmp_path / "not-there"
    put(hdf.pv("HDF1:FilePath"), str(missing))
    assert get(hdf.pv("HDF1:FilePathExists_RBV")) == 0
    assert text(hdf.pv("HDF1:FilePath_RBV")) == f"{missing}/"
    put(hdf.pv("HDF1:NumCapture"), 2)
    put(hdf.pv("HDF1:Capture"), 1)
    assert get(hdf.pv("HDF1:Capture_RBV")) == 0
    assert get(hdf.pv("HDF1:Capture")) == 0
    assert text(hdf.pv("HDF1:WriteStatus")) == "Write error"
    assert str(missing) in text(hdf.pv("HDF1:WriteMessage"))
    acquire(hdf, 2)
    assert get(hdf.pv("HDF1:NumCaptured_RBV")) == 0
    assert not missing.exists()


def test_capture_0_closes_a_valid_file_with_the_frames_so_far(hdf: SimIOC, tmp_path: Path) -> None:
    done = start_capture(hdf, 0)  # Stream, until Capture=0
    first = acquire(hdf, 4)
    assert wait_for(lambda: get(hdf.pv("HDF1:NumCaptured_RBV")) == 4)
    put(hdf.pv("HDF1:Capture"), 0)
    assert done.wait(10)
    assert get(hdf.pv("HDF1:NumCaptured_RBV")) == 4
    with h5py.File(tmp_path / "scan_000007.h5", "r") as f:
        assert f["/entry/data/data"].shape == (4, NY, NX)
        np.testing.assert_array_equal(f["/entry/data/data"][3], ramp(NY, NX, "UInt16", first + 3))
        assert f["/entry/instrument/NDAttributes/NDArrayUniqueId"].shape == (4,)


def test_a_swmr_reader_sees_num_captured_frames_while_the_capture_runs(hdf: SimIOC, tmp_path: Path) -> None:
    put(hdf.pv("HDF1:SWMRMode"), "On")
    done = start_capture(hdf, 0)
    first = acquire(hdf, 3)
    assert wait_for(lambda: get(hdf.pv("HDF1:NumCaptured_RBV")) == 3)
    assert text(hdf.pv("HDF1:SWMRActive_RBV")) == "On"
    with h5py.File(tmp_path / "scan_000007.h5", "r", libver="latest", swmr=True) as f:
        data = f["/entry/data/data"]
        ids = f["/entry/instrument/NDAttributes/NDArrayUniqueId"]
        assert data.shape[0] == 3 and ids.shape[0] == 3
        np.testing.assert_array_equal(data[2], ramp(NY, NX, "UInt16", first + 2))
        acquire(hdf, 2)
        assert wait_for(lambda: get(hdf.pv("HDF1:NumCaptured_RBV")) == 5)
        data.refresh()
        ids.refresh()
        assert data.shape[0] == 5
        np.testing.assert_array_equal(ids[()], np.arange(first, first + 5))
        np.testing.assert_array_equal(data[4], ramp(NY, NX, "UInt16", first + 4))
    put(hdf.pv("HDF1:Capture"), 0)
    assert done.wait(10)
    assert text(hdf.pv("HDF1:SWMRActive_RBV")) == "Off"


def test_external_trigger_takes_no_frame_until_soft_trigger(hdf: SimIOC, tmp_path: Path) -> None:
    put(hdf.pv("cam1:TriggerMode"), "External")
    put(hdf.pv("cam1:NumImages"), 2)
    done = start_capture(hdf, 2)
    acquired = threading.Event()
    before = get(hdf.pv("cam1:ArrayCounter_RBV"))
    epics.get_pv(hdf.pv("cam1:Acquire"), connect=True).put(1, wait=False, use_complete=True,
                                                          callback=lambda **_: acquired.set())
    assert wait_for(lambda: text(hdf.pv("cam1:DetectorState_RBV")) == "Waiting")
    assert not wait_for(lambda: get(hdf.pv("cam1:ArrayCounter_RBV")) != before, timeout=0.2)
    put(hdf.pv("cam1:SoftTrigger"), 1)
    assert wait_for(lambda: get(hdf.pv("cam1:ArrayCounter_RBV")) == before + 1)
    assert not acquired.is_set()
    put(hdf.pv("cam1:SoftTrigger"), 1)
    assert acquired.wait(10) and done.wait(10)
    assert get(hdf.pv("HDF1:NumCaptured_RBV")) == 2


@pytest.mark.parametrize("data_type", ["Int8", "UInt8", "Int16", "UInt16", "Int32", "UInt32", "Int64", "UInt64",
                                       "Float32", "Float64"])
def test_every_data_type_is_written_exactly(hdf: SimIOC, tmp_path: Path, data_type: str) -> None:
    put(hdf.pv("cam1:DataType"), data_type)
    try:
        done = start_capture(hdf, 2)
        first = acquire(hdf, 2)
        assert done.wait(10)
    finally:
        put(hdf.pv("cam1:DataType"), "UInt16")
    with h5py.File(tmp_path / "scan_000007.h5", "r") as f:
        assert f["/entry/data/data"].dtype == np.dtype(data_type.lower())
        np.testing.assert_array_equal(f["/entry/data/data"][1], ramp(NY, NX, data_type, first + 1))


def test_auto_increment_names_each_file_from_the_template(hdf: SimIOC, tmp_path: Path) -> None:
    put(hdf.pv("HDF1:AutoIncrement"), "Yes")
    put(hdf.pv("HDF1:FileTemplate"), "%s%s-%3.3d.hdf")
    put(hdf.pv("HDF1:FileNumber"), 3)
    try:
        for number in (3, 4):
            done = start_capture(hdf, 1)
            assert text(hdf.pv("HDF1:FullFileName_RBV")) == f"{tmp_path}/scan-{number:03d}.hdf"
            acquire(hdf, 1)
            assert done.wait(10)
        assert get(hdf.pv("HDF1:FileNumber_RBV")) == 5
        assert sorted(p.name for p in tmp_path.iterdir()) == ["scan-003.hdf", "scan-004.hdf"]
    finally:
        put(hdf.pv("HDF1:FileTemplate"), "%s%s_%6.6d.h5")


def test_a_write_error_ends_the_capture_keeping_the_frames_written(hdf: SimIOC, tmp_path: Path) -> None:
    done = start_capture(hdf, 0)
    first = acquire(hdf, 2)
    assert wait_for(lambda: get(hdf.pv("HDF1:NumCaptured_RBV")) == 2)
    put(hdf.pv("cam1:DataType"), "UInt32")  # the next frame no longer fits the data set
    try:
        acquire(hdf, 1)
        assert done.wait(10), "a write error must end the capture"
    finally:
        put(hdf.pv("cam1:DataType"), "UInt16")
    assert text(hdf.pv("HDF1:WriteStatus")) == "Write error"
    assert "changed during the capture" in text(hdf.pv("HDF1:WriteMessage"))
    assert get(hdf.pv("HDF1:NumCaptured_RBV")) == 2
    with h5py.File(tmp_path / "scan_000007.h5", "r") as f:
        assert f["/entry/data/data"].shape == (2, NY, NX)
        np.testing.assert_array_equal(f["/entry/data/data"][1], ramp(NY, NX, "UInt16", first + 1))


def test_200_frames_at_the_fastest_rate_are_all_captured(hdf: SimIOC, tmp_path: Path) -> None:
    put(hdf.pv("cam1:AcquireTime"), 0.0)
    put(hdf.pv("cam1:SimMode"), "Spot")  # cycled precomputed frames, as a fast camera would be run
    dropped = get(hdf.pv("HDF1:DroppedArrays_RBV"))
    try:
        done = start_capture(hdf, 200)
        acquire(hdf, 200)
        assert done.wait(30), f"capture not done: {get(hdf.pv('HDF1:NumCaptured_RBV'))} frames captured"
    finally:
        put(hdf.pv("cam1:SimMode"), "Ramp")
    assert get(hdf.pv("HDF1:NumCaptured_RBV")) == 200
    assert get(hdf.pv("HDF1:DroppedArrays_RBV")) == dropped
    with h5py.File(tmp_path / "scan_000007.h5", "r") as f:
        assert f["/entry/data/data"].shape == (200, NY, NX)
        assert f["/entry/instrument/NDAttributes/NDArrayUniqueId"].shape == (200,)


def test_acquire_0_with_a_put_callback_stops_a_continuous_acquisition(hdf: SimIOC) -> None:
    """The stop's put-callback is not held behind the pending Acquire=1 one (nor is the client)."""
    put(hdf.pv("cam1:ImageMode"), "Continuous")
    acquired = threading.Event()
    epics.get_pv(hdf.pv("cam1:Acquire"), connect=True).put(1, wait=False, use_complete=True,
                                                          callback=lambda **_: acquired.set())
    assert wait_for(lambda: get(hdf.pv("cam1:Acquire_RBV")) == 1)
    put(hdf.pv("cam1:Acquire"), 0, timeout=5)
    assert acquired.wait(5)
    assert get(hdf.pv("cam1:Acquire_RBV")) == 0


def test_file_name_written_as_nul_terminated_bytes_as_gda_does(hdf: SimIOC, tmp_path: Path) -> None:
    put(hdf.pv("HDF1:FileName"), np.frombuffer(b"gda_scan\0", dtype=np.uint8))
    done = start_capture(hdf, 1)
    assert text(hdf.pv("HDF1:FullFileName_RBV")) == f"{tmp_path}/gda_scan_000007.h5"
    acquire(hdf, 1)
    assert done.wait(10)
    assert (tmp_path / "gda_scan_000007.h5").exists()
