"""A scan of the simulated beamline's area detector (a real Channel Access IOC): its plot shows the
last frame the IOC made, pixel for pixel (the Ramp pattern differs from frame to frame), beside
the per-point totals."""

from __future__ import annotations

from collections.abc import Iterator

import epics
import numpy as np
import pytest
from png_checks import cells, has_colour, map_region, read_rgb, values_of

from gda_bridge.analysis import AnalysisConfig, ScanProcessing
from gda_bridge.commands import scan
from gda_bridge.epics import AreaDetector, EpicsMotor
from gda_bridge.sim_ioc import SimIOC
from gda_bridge.sim_ioc._camera_frames import ramp
from gda_bridge.sim_ioc.testing import ioc_pool

NX, NY = 32, 24


def caput(pvname: str, value: object) -> None:
    assert epics.get_pv(pvname, connect=True).put(value, wait=True, timeout=10) is not None


@pytest.fixture(scope="module")
def ioc() -> Iterator[SimIOC]:
    started = ioc_pool().start(args=("--frame-size", f"{NX}x{NY}", "--data-type", "UInt8"))
    yield started
    started.stop()


def test_a_camera_scan_plots_the_iocs_last_frame_and_the_totals(ctx, ioc, tmp_path):
    caput(ioc.pv("cam1:SimMode"), "Ramp")
    caput(ioc.pv("cam1:DataType"), "UInt8")
    caput(ioc.pv("cam1:AcquireTime"), 0.001)
    caput(ioc.pv("m1.VELO"), 1e6)
    processing = ScanProcessing({}, config=AnalysisConfig(), report=ctx.lines.append,
                                file_path=lambda start: str(tmp_path / f"{start.scan_number}.nxs"))
    unsubscribe = ctx.stream.subscribe(processing)
    wait = lambda result: processing.wait_processed(30)  # noqa: E731
    ctx.after_scan.append(wait)
    m1 = EpicsMotor("m1", ioc.pv("m1"))
    cam = AreaDetector("cam", ioc.prefix)
    try:
        result = scan(m1, 0, 2, 0.5, cam, 0.001)
    finally:
        cam.close()
        m1.close()
        ctx.after_scan.remove(wait)
        unsubscribe()
        processing.close()
    png = tmp_path / f"{result.scan_number}.png"
    assert png.exists(), ctx.lines
    rgb = read_rgb(png)
    half = rgb.shape[1] // 2
    frame_side = rgb[:, :half]
    rows, cols = map_region(frame_side)
    shown = values_of(cells(frame_side[rows, cols], (NY, NX)))
    last_uid = epics.caget(ioc.pv("image1:UniqueId_RBV"), use_monitor=False)

    def normalised(uid: int) -> np.ndarray:
        frame = ramp(NY, NX, "UInt8", uid).astype(float)
        return (frame - frame.min()) / (frame.max() - frame.min())

    np.testing.assert_allclose(shown, normalised(last_uid), atol=0.03)
    assert np.abs(shown - normalised(last_uid - 1)).max() > 0.3  # the last frame, not any frame
    assert has_colour(rgb[:, half:], "tab:blue", min_pixels=50)  # the totals
