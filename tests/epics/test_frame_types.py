"""Area detector frames keep the pixel type the image plugin reports, from the IOC to the file.

One simulated IOC per Channel Access type of ArrayData (as an areaDetector IOC fixes it in its
NDStdArrays template); each type is checked pixel for pixel against the known Ramp pattern.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import epics
import h5py
import numpy as np
import pytest

from gda_bridge.commands import scan
from gda_bridge.core.documents import ScanPoint
from gda_bridge.core.errors import DeviceError
from gda_bridge.epics import AreaDetector, EpicsMotor
from gda_bridge.nexus import NexusWriter
from gda_bridge.sim_ioc import SimIOC
from gda_bridge.sim_ioc._camera_frames import ramp
from gda_bridge.sim_ioc.testing import ioc_pool

NX, NY = 24, 16
#: Pixel type -> the type the IOC is started with (which fixes ArrayData's CA type).
IOC_FOR = {"Int8": "UInt8", "UInt8": "UInt8", "Int16": "UInt16", "UInt16": "UInt16", "Int32": "Int32",
           "UInt32": "Int32", "Float32": "Float32", "Float64": "Float64"}
CA_TYPE = {"UInt8": epics.dbr.CHAR, "UInt16": epics.dbr.SHORT, "Int32": epics.dbr.LONG,
           "Float32": epics.dbr.FLOAT, "Float64": epics.dbr.DOUBLE}


def caput(pvname: str, value: object) -> None:
    assert epics.get_pv(pvname, connect=True).put(value, wait=True, timeout=10) is not None


@pytest.fixture(scope="module")
def iocs() -> Iterator[dict[str, SimIOC]]:
    started: dict[str, SimIOC] = {}

    def ioc(ioc_type: str) -> SimIOC:
        if ioc_type not in started:
            started[ioc_type] = ioc_pool().start(args=("--frame-size", f"{NX}x{NY}", "--data-type", ioc_type,
                                                       "--colour"))
        return started[ioc_type]

    yield ioc  # type: ignore[misc]
    for running in started.values():
        running.stop()


@pytest.fixture
def nexus_files(ctx, data_dir: Path) -> Iterator[Path]:  # noqa: ANN001
    """Every scan of the test writes a NeXus file into ``data_dir``, as a session does."""
    writer = NexusWriter(data_dir, "i99")
    unsubscribe = ctx.stream.subscribe(writer, critical=True, first=True)
    yield data_dir
    unsubscribe()
    writer.close()


def ramp_camera(ioc: SimIOC, data_type: str, color_mode: str = "Mono") -> None:
    caput(ioc.pv("cam1:SimMode"), "Ramp")
    caput(ioc.pv("cam1:DataType"), data_type)
    caput(ioc.pv("cam1:ColorMode"), color_mode)
    caput(ioc.pv("cam1:AcquireTime"), 0.001)
    caput(ioc.pv("cam1:Acquire"), 1)  # one frame in the new format, as a user would take


def frames_in_file(data_dir: Path) -> list[np.ndarray]:
    """Every frame-stack dataset (3 or more dimensions) of the test's one scan file, read by h5py."""
    (path,) = sorted(data_dir.glob("*.nxs"))
    found: list[np.ndarray] = []
    with h5py.File(path) as f:
        f.visititems(lambda name, obj: found.append(obj[()])
                     if isinstance(obj, h5py.Dataset) and obj.ndim >= 3 else None)
    assert found, f"no frame dataset in {path}"
    return found


@pytest.mark.parametrize("data_type", list(IOC_FOR))
def test_frames_have_the_declared_type_in_the_scan_and_the_file(ctx, documents, iocs, nexus_files,  # noqa: ANN001
                                                                  data_type: str) -> None:
    ioc = iocs(IOC_FOR[data_type])
    ramp_camera(ioc, data_type)
    assert epics.PV(ioc.pv("image1:ArrayData")).wait_for_connection(5)
    assert epics.ca.field_type(epics.PV(ioc.pv("image1:ArrayData")).chid) == CA_TYPE[IOC_FOR[data_type]]
    caput(ioc.pv("m1.VELO"), 1e6)
    m1 = EpicsMotor("m1", ioc.pv("m1"))
    cam = AreaDetector("cam", ioc.prefix)
    try:
        assert cam.getDataDimensions() == (NY, NX)
        scan(m1, 0, 2, 1, cam, 0.001)
    finally:
        cam.close()
        m1.close()
    points = [p for p in documents if isinstance(p, ScanPoint)]
    assert len(points) == 3
    last_uid = epics.caget(ioc.pv("image1:UniqueId_RBV"), use_monitor=False)
    expected = [ramp(NY, NX, data_type, uid) for uid in range(last_uid - 2, last_uid + 1)]
    for point, want in zip(points, expected, strict=True):
        got = point.data["cam"]
        assert got.dtype == np.dtype(data_type.lower()) and got.shape == (NY, NX)
        np.testing.assert_array_equal(got, want)
    for stored in frames_in_file(nexus_files):
        assert stored.dtype == np.dtype(data_type.lower()) and stored.shape == (3, NY, NX)
        np.testing.assert_array_equal(stored, np.stack(expected))


def read_one(ioc: SimIOC) -> np.ndarray:
    cam = AreaDetector("cam", ioc.prefix)
    try:
        cam.prepareForCollection()
        cam.setCollectionTime(0.001)
        cam.collectData()
        cam.waitWhileBusy()
        return cam.readout()
    finally:
        cam.close()


@pytest.mark.parametrize("color_mode", ["RGB1", "RGB2", "RGB3"])
def test_colour_frames_are_read_as_ny_nx_3(iocs, color_mode: str) -> None:  # noqa: ANN001
    ioc = iocs("UInt16")
    ramp_camera(ioc, "UInt16", color_mode)
    try:
        frame = read_one(ioc)
        uid = epics.caget(ioc.pv("image1:UniqueId_RBV"), use_monitor=False)
        assert frame.shape == (NY, NX, 3) and frame.dtype == np.uint16
        np.testing.assert_array_equal(frame, ramp(NY, NX, "UInt16", uid, colours=3))
    finally:
        ramp_camera(ioc, "UInt16", "Mono")


def test_a_narrower_type_in_a_wider_waveform_keeps_its_values(iocs) -> None:  # noqa: ANN001
    ioc = iocs("Int32")
    ramp_camera(ioc, "UInt16")
    frame = read_one(ioc)
    uid = epics.caget(ioc.pv("image1:UniqueId_RBV"), use_monitor=False)
    assert frame.dtype == np.uint16
    np.testing.assert_array_equal(frame, ramp(NY, NX, "UInt16", uid))


@pytest.mark.parametrize(("ioc_type", "data_type", "message"), [
    ("UInt16", "Float32", "cam: {pv} is DBR_SHORT and cannot carry Float32 pixels without loss; "
                          "serve it as DBR_FLOAT"),
    ("Float64", "Int64", "cam: Int64 frames cannot be read over Channel Access (no 64-bit integer type); "
                         "set DataType to a type of 32 bits or fewer"),
])
def test_frames_that_cannot_be_read_faithfully_are_refused(iocs, ioc_type: str, data_type: str,  # noqa: ANN001
                                                           message: str) -> None:
    ioc = iocs(ioc_type)
    ramp_camera(ioc, data_type)
    try:
        with pytest.raises(DeviceError) as err:
            read_one(ioc)
        assert str(err.value) == message.format(pv=ioc.pv("image1:ArrayData"))
    finally:
        ramp_camera(ioc, ioc_type)


def test_unsupported_colour_mode_is_refused_with_one_line(iocs) -> None:  # noqa: ANN001
    from gda_bridge.epics._nd_frames import frame_format

    with pytest.raises(DeviceError, match=r"^cam: colour mode Bayer is not supported \(supported: Mono, RGB1, "
                                          r"RGB2, RGB3\)$"):
        frame_format("cam", "UInt16", "Bayer", (NX, NY, 0))
    ioc = iocs("UInt16")
    caput(ioc.pv("cam1:ColorMode"), "YUV422")  # the simulation makes no YUV frames
    assert epics.caget(ioc.pv("cam1:ColorMode_RBV"), as_string=True, use_monitor=False) == "Mono"


def test_a_frame_format_change_mid_scan_fails_the_scan(ctx, iocs) -> None:  # noqa: ANN001
    ioc = iocs("Float64")
    ramp_camera(ioc, "Float64")
    caput(ioc.pv("m1.VELO"), 1e6)
    m1 = EpicsMotor("m1", ioc.pv("m1"))
    cam = AreaDetector("cam", ioc.prefix)

    def change_type(doc: object) -> None:
        if isinstance(doc, ScanPoint) and doc.index == 0:
            epics.caput(ioc.pv("cam1:DataType"), "Float32", wait=True)

    unsubscribe = ctx.stream.subscribe(change_type)
    try:
        with pytest.raises(Exception, match=r"cam: frame \d+ is Float32 Mono \(16, 24\), the scan's frames "
                                             r"are Float64 Mono \(16, 24\)"):
            scan(m1, 0, 2, 1, cam, 0.001)
    finally:
        unsubscribe()
        cam.close()
        m1.close()
        ramp_camera(ioc, "Float64")


def test_a_colour_scan_stores_ny_nx_3_frames(ctx, documents, iocs, nexus_files) -> None:  # noqa: ANN001
    ioc = iocs("UInt8")
    ramp_camera(ioc, "UInt8", "RGB1")
    caput(ioc.pv("m1.VELO"), 1e6)
    m1 = EpicsMotor("m1", ioc.pv("m1"))
    cam = AreaDetector("cam", ioc.prefix)
    try:
        assert cam.getDataDimensions() == (NY, NX, 3)
        scan(m1, 0, 1, 1, cam, 0.001)
    finally:
        cam.close()
        m1.close()
        ramp_camera(ioc, "UInt8", "Mono")
    last_uid = epics.caget(ioc.pv("image1:UniqueId_RBV"), use_monitor=False) - 1  # the Mono frame after
    expected = np.stack([ramp(NY, NX, "UInt8", uid, colours=3) for uid in (last_uid - 1, last_uid)])
    got = np.stack([p.data["cam"] for p in documents if isinstance(p, ScanPoint)])
    np.testing.assert_array_equal(got, expected)
    stacks = [s for s in frames_in_file(nexus_files) if s.ndim == 4]
    assert stacks
    for stored in stacks:
        assert stored.dtype == np.uint8 and stored.shape == (2, NY, NX, 3)
        np.testing.assert_array_equal(stored, expected)
