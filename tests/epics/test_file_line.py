"""The camera in file-writing mode as the buffered detector of a hardware-triggered line, at driver
level against the simulated IOC: the Zebra's pulses on m1's real motion trigger the camera, the IOC's
file plugin writes the frames, and the frames read back are exactly the frames in the file."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import epics
import h5py
import numpy as np
import pytest

from gda_bridge.core import detector_files
from gda_bridge.core.errors import DeviceError
from gda_bridge.epics import AreaDetector, EpicsPositionCompare
from gda_bridge.sim_ioc import SimIOC
from gda_bridge.sim_ioc._camera_frames import ramp
from gda_bridge.sim_ioc.testing import ioc_pool

NX, NY = 40, 24
VELO, ACCL = 1.0, 0.1
RUN_UP = 0.5 * VELO * ACCL + 0.05
UID_DATASET = "/entry/instrument/NDAttributes/NDArrayUniqueId"
TIME_DATASET = "/entry/instrument/NDAttributes/NDArrayTimeStamp"


def put(pvname: str, value: object, wait: bool = True) -> None:
    assert epics.get_pv(pvname, connect=True).put(value, wait=wait, timeout=10) is not None


def get(pvname: str) -> object:
    return epics.caget(pvname, use_monitor=False, timeout=5)


@pytest.fixture(scope="module")
def ioc() -> Iterator[SimIOC]:
    ioc = ioc_pool().start(args=("--frame-size", f"{NX}x{NY}", "--seed", "1"))
    for name, value in {"cam1:SimMode": "Ramp", "image1:EnableCallbacks": "Disable", "HDF1:QueueSize": 100,
                        "HDF1:EnableCallbacks": "Enable"}.items():
        put(ioc.pv(name), value)
    yield ioc
    ioc.stop()


@pytest.fixture
def m1(ioc: SimIOC) -> Iterator[str]:
    base = ioc.pv("m1")
    put(base + ".VELO", VELO)
    put(base + ".ACCL", ACCL)
    yield base
    put(base + ".STOP", 1)
    put(base + ".ACCL", 0.0)


@pytest.fixture
def box(ioc: SimIOC) -> Iterator[EpicsPositionCompare]:
    pc = EpicsPositionCompare("pc", ioc.pv("ZEBRA:"))
    yield pc
    pc.disarm()
    pc.close()


@pytest.fixture
def cam(ioc: SimIOC) -> Iterator[AreaDetector]:
    device = AreaDetector("cam", ioc.prefix, file_plugin="HDF1:", stats="STATS1:")
    yield device
    device.atCommandFailure()  # whatever a test left running ends; a no-op after atScanEnd
    device.close()


@pytest.fixture
def scan_file(tmp_path: Path) -> Iterator[detector_files.ScanFileTarget]:
    """The scan file a writer would have announced: the detector names its file after it."""
    target = detector_files.ScanFileTarget(f"uid-{tmp_path.name}", tmp_path / "i99-7.nxs", 20)
    detector_files.announce(target)
    yield target
    detector_files.withdraw(target.uid)
    detector_files.take_reports(target.uid)


def jump(motor: str, position: float) -> None:
    """Put the motor at ``position`` at once (VELO and ACCL as they were afterwards)."""
    velo, accl = get(motor + ".VELO"), get(motor + ".ACCL")
    put(motor + ".ACCL", 0.0)
    put(motor + ".VELO", 1e9)
    put(motor, position)
    put(motor + ".VELO", velo)
    put(motor + ".ACCL", accl)


def arm_line(m1: str, box: EpicsPositionCompare, cam: AreaDetector, n: int, step: float) -> float:
    """The line of n points from 0 by ``step`` as a continuous line sets it up: the box armed for
    its n + 1 pulses (d_0..d_n), the camera for n frames; returns the end of the run-down."""
    jump(m1, -RUN_UP)
    box.configure_line(0.0, step, n + 1)
    box.arm()
    cam.setCollectionTime(0.01)
    cam.prepareForLine(n, step / VELO)
    return step * n + RUN_UP


def frames_in(path: Path) -> tuple[np.ndarray, list[int], np.ndarray]:
    with h5py.File(path, "r") as f:
        return f["/entry/data/data"][()], [int(u) for u in f[UID_DATASET][()]], f[TIME_DATASET][()]


def test_a_line_of_n_points_gives_exactly_n_frames_in_the_file(ioc: SimIOC, m1: str, box: EpicsPositionCompare,
                                                              cam: AreaDetector, scan_file) -> None:  # noqa: ANN001
    n, step = 10, 0.05
    put(m1, arm_line(m1, box, cam, n, step))
    box.wait_done(5)
    assert cam.waitForFrames(n) == n
    assert cam.getFramesReadable() == n
    values = cam.readFrames(0, n)
    assert len(values) == n
    cam.atScanEnd()
    data, uids, stamps = frames_in(scan_file.path.parent / "i99-7-cam-000000.h5")
    assert data.shape == (n, NY, NX)
    assert [int(v[1]) for v in values] == uids  # the UniqueId column the writer maps frames by
    assert [v[0] for v in values] == [float(k + 1) for k in range(n)]  # frames in the file so far
    np.testing.assert_array_equal(data, np.stack([ramp(NY, NX, "UInt16", u) for u in uids]))
    np.testing.assert_allclose([v[2] for v in values], data.reshape(n, -1).sum(axis=1, dtype=np.float64))
    _positions, times = box.captured()
    assert len(times) == n + 1
    np.testing.assert_allclose(np.diff(stamps), np.diff(times[:n]), atol=0.02)  # frame k: pulse k
    # The last pulse (the end of the last bin) found the camera done: lost, and no error for it.
    assert get(ioc.pv("ZEBRA:SIM_CAM_MISSED")) == 1
    assert get(ioc.pv("cam1:NumImagesCounter_RBV")) == n
    (report,) = detector_files.take_reports(scan_file.uid)
    assert report.files == (("i99-7-cam-000000.h5", n, n),) and report.reason is None
    assert get(ioc.pv("cam1:TriggerMode")) == 0  # Internal again for the next step scan


def test_two_lines_go_on_in_the_scans_file(ioc: SimIOC, m1: str, box: EpicsPositionCompare, cam: AreaDetector,
                                           scan_file) -> None:  # noqa: ANN001
    n, step = 5, 0.05
    uids = []
    for line in range(2):
        put(m1, arm_line(m1, box, cam, n, step))
        box.wait_done(5)
        assert cam.waitForFrames(n) == n
        values = cam.readFrames(0, n)
        assert [v[0] for v in values] == [float(line * n + k + 1) for k in range(n)]
        uids += [int(v[1]) for v in values]
    cam.atScanEnd()
    _data, in_file, _stamps = frames_in(scan_file.path.parent / "i99-7-cam-000000.h5")
    assert in_file == uids
    assert not (scan_file.path.parent / "i99-7-cam-000001.h5").exists()


def test_a_stop_halfway_leaves_a_valid_file_with_the_frames_taken(ioc: SimIOC, m1: str, box: EpicsPositionCompare,
                                                                  cam: AreaDetector, scan_file) -> None:  # noqa: ANN001
    n, step = 20, 0.05
    end = arm_line(m1, box, cam, n, step)
    seen = threading.Condition()
    counts: list[int] = []

    def on_count(value: object, **_: object) -> None:
        with seen:
            counts.append(int(value))  # type: ignore[call-overload]
            seen.notify_all()

    monitor = epics.PV(ioc.pv("ZEBRA:PC_NUM_CAP"), callback=on_count)
    try:
        put(m1, end, wait=False)
        with seen:
            assert seen.wait_for(lambda: counts and counts[-1] >= 6, 10)
        cam.stop()
        put(m1 + ".STOP", 1)
    finally:
        monitor.disconnect()
    taken = cam.getFramesReadable()
    assert 5 <= taken < n
    assert cam.waitForFrames(n) == taken  # stopped: no wait for the frames that will never come
    values = cam.readFrames(0, taken)
    with pytest.raises(DeviceError, match=rf"cam: frames 0\.\.{taken} asked for; {taken} of the line's {n} "
                                          r"are in i99-7-cam-000000\.h5"):
        cam.readFrames(0, taken + 1)
    cam.atScanEnd()
    data, uids, _stamps = frames_in(scan_file.path.parent / "i99-7-cam-000000.h5")
    assert data.shape[0] == taken and [int(v[1]) for v in values] == uids
    np.testing.assert_array_equal(data, np.stack([ramp(NY, NX, "UInt16", u) for u in uids]))
    (report,) = detector_files.take_reports(scan_file.uid)
    assert report.files == (("i99-7-cam-000000.h5", taken, taken),)


def test_frames_that_never_come_are_a_clear_error(ioc: SimIOC, m1: str, box: EpicsPositionCompare,
                                                  cam: AreaDetector, scan_file) -> None:  # noqa: ANN001
    cam.settle_timeout = 0.5
    cam._line.timeout = 0.5  # type: ignore[union-attr]
    arm_line(m1, box, cam, 3, 0.05)  # the motor never moves: no pulse
    with pytest.raises(DeviceError) as raised:
        cam.waitForFrames(3)
    message = str(raised.value)
    assert message.startswith("cam: 0 of the line's 3 frames in i99-7-cam-000000.h5 after ")
    assert "HDF1:NumCaptured_RBV is 0" in message and "\n" not in message
    assert cam.getFramesReadable() == 0


def test_a_line_needs_file_writing_mode(ioc: SimIOC) -> None:
    preview = AreaDetector("cam", ioc.prefix)
    try:
        with pytest.raises(DeviceError, match=r"^cam: a continuous line needs file-writing mode \(file_plugin\)$"):
            preview.prepareForLine(5, 0.05)
        assert preview.getFramesReadable() == 0
    finally:
        preview.close()


def test_no_time_to_expose_is_refused_before_arming(ioc: SimIOC, cam: AreaDetector, scan_file) -> None:  # noqa: ANN001
    with pytest.raises(DeviceError, match=r"cam: 0\.0005 s per bin leaves no time to expose"):
        cam.prepareForLine(5, 0.0005)
    assert get(ioc.pv("cam1:Acquire")) == 0


def test_a_frame_not_taken_by_the_lines_triggers_is_an_error_not_a_shift(
        ioc: SimIOC, m1: str, box: EpicsPositionCompare, cam: AreaDetector, scan_file) -> None:  # noqa: ANN001
    """A trigger before the line's first makes frame 0 a stray; the line's last pulses then find
    the camera done, and without the check every frame would be recorded one point early."""
    n, step = 6, 0.05
    end = arm_line(m1, box, cam, n, step)
    put(ioc.pv("cam1:SoftTrigger"), 1)
    put(m1, end)
    box.wait_done(5)
    with pytest.raises(DeviceError, match=r"^cam: frames 0 and 1 of the line are [0-9.]+ s apart \(.*HDF1:"
                                          r"TimeStamp_RBV\), the triggers 0\.05 s: a trigger was lost or a frame "
                                          r"was not the line's, so none of its frames is recorded$"):
        cam.waitForFrames(n)
    assert cam.getFramesReadable() == 0  # nothing for the engine to salvage onto the wrong points
    with pytest.raises(DeviceError, match="none of its frames is recorded"):
        cam.readFrames(0, 1)
