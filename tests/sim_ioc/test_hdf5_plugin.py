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
