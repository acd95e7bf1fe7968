"""The PNG written after each kind of scan, read back: a line with its fits, a map of a grid scan,
a camera's last frame with the per-point totals; all there when ``scan`` returns."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from png_checks import cells, coloured, has_colour, map_region, read_rgb, values_of
from scan_devices import Gaussian2D, SpotCamera

from gda_bridge.analysis import AnalysisConfig, ScanProcessing
from gda_bridge.commands import scan
from gda_bridge.devices.sim import GaussianCounter, SimMotor

WAIT = 30.0


@pytest.fixture
def processing(ctx, tmp_path):
    """Analysis wired as a session wires it: the scan waits for it before returning."""
    lines = ctx.lines
    p = ScanProcessing({}, config=AnalysisConfig(), report=lines.append,
                       file_path=lambda start: str(tmp_path / f"scan-{start.scan_number}.nxs"))
    unsubscribe = ctx.stream.subscribe(p)
    wait = lambda result: p.wait_processed(WAIT)  # noqa: E731
    ctx.after_scan.append(wait)
    yield p
    ctx.after_scan.remove(wait)
    unsubscribe()
    p.close()


def png_of(tmp_path, result) -> Path:
    return tmp_path / f"scan-{result.scan_number}.png"


def test_a_1d_plot_is_written_before_scan_returns_with_the_fit_values_in_the_legend(processing, tmp_path):
    x = SimMotor("x")
    det = GaussianCounter("det", x, centre=1.0, fwhm=0.8)
    result = scan(x, -1, 3, 0.1, det)
    png = png_of(tmp_path, result)
    assert png.exists(), "the plot must be there when scan returns"
    assert processing.last_plot == png
    rgb = read_rgb(png)
    assert has_colour(rgb, "tab:blue")  # the data
    assert has_colour(rgb, "tab:orange", min_pixels=300)  # peak (4th processor): its fitted curve
    legend = processing.last_plot_labels
    assert any(label.startswith("peak") and "fwhm" in label for label in legend), legend
    assert any(label.startswith("com") for label in legend), legend


def test_a_grid_scan_is_a_map_with_the_peak_in_its_cell(processing, tmp_path, ctx):
    x, y = SimMotor("x"), SimMotor("y")
    det = Gaussian2D("det", x, y, cx=0.5, cy=-1.0)
    result = scan(x, -1, 1, 0.5, y, -1.5, 1.5, 0.5, det)
    assert result.shape == (5, 7)
    png = png_of(tmp_path, result)
    assert png.exists(), ctx.lines
    assert not any("Cannot process multidimensional" in line for line in ctx.lines) or png.exists()
    rgb = read_rgb(png)
    rows, cols = map_region(rgb)
    grid = values_of(cells(rgb[rows, cols], (5, 7)))[::-1]  # the image's top row is the last x
    expected = np.array([[det.counts_at(xv, yv) for yv in np.arange(-1.5, 1.51, 0.5)]
                         for xv in np.arange(-1, 1.01, 0.5)])
    assert np.unravel_index(np.argmax(grid), grid.shape) == (3, 1)
    np.testing.assert_allclose(grid, expected / expected.max(), atol=0.05)


def test_a_camera_scan_shows_the_last_frame_and_the_totals(processing, tmp_path):
    x = SimMotor("x")
    cam = SpotCamera("cam", x, centre=1.0)
    result = scan(x, 0, 2, 0.25, cam)
    png = png_of(tmp_path, result)
    assert png.exists()
    rgb = read_rgb(png)
    half = rgb.shape[1] // 2
    frame_side, total_side = rgb[:, :half], rgb[:, half:]
    rows, cols = map_region(frame_side)
    frame = values_of(cells(frame_side[rows, cols], (SpotCamera.NY, SpotCamera.NX)))
    bright = np.argwhere(frame > 0.9)
    assert bright.size, "the last frame's spot"
    assert set(bright[:, 1]) <= {20, 21} and set(bright[:, 0]) <= {4, 5, 6, 7}  # x=2: column 20
    assert has_colour(total_side, "tab:blue", min_pixels=50)  # the totals line
    assert coloured(total_side).sum() > 0


def test_a_scan_of_three_dimensions_says_why_it_has_no_plot(processing, tmp_path, ctx):
    x, y, z = SimMotor("x"), SimMotor("y"), SimMotor("z")
    det = GaussianCounter("det", x)
    result = scan(x, 0, 1, 1, y, 0, 1, 1, z, 0, 1, 1, det)
    assert not png_of(tmp_path, result).exists()
    assert any(line.startswith("No plot:") and "3" in line for line in ctx.lines), ctx.lines


def test_a_camera_and_a_counter_show_the_frame_and_the_counter_with_its_fit(processing, tmp_path):
    x = SimMotor("x")
    cam = SpotCamera("cam", x, centre=1.0)
    det = GaussianCounter("det", x, centre=1.0, fwhm=0.8)
    result = scan(x, -1, 3, 0.1, cam, det)
    rgb = read_rgb(png_of(tmp_path, result))
    top, bottom = rgb[: rgb.shape[0] // 2], rgb[rgb.shape[0] // 2 :]
    assert has_colour(top, "tab:blue", min_pixels=50)  # the camera's totals
    assert not has_colour(top, "tab:orange")
    assert has_colour(bottom, "tab:orange", min_pixels=300)  # det's peak fit
    assert any(label.startswith("peak") for label in processing.last_plot_labels)
