"""LivePlot on real scans of simulated devices: the PNG it rewrites, the notebook image it
updates in place, how often it redraws a fast scan, and a grid filling in."""

from __future__ import annotations

import base64
import io
import time

import matplotlib.image as mpimg
import numpy as np
import pytest
from png_checks import cells, has_colour, map_region, read_rgb, values_of
from scan_devices import Gaussian2D

from gda_bridge.commands import scan
from gda_bridge.devices.sim import GaussianCounter, SimMotor, SoftCounter
from gda_bridge.plotting import LivePlot
from gda_bridge.plotting._live_data import LiveData
from gda_bridge.plotting._sinks import render_png

WAIT = 30.0


@pytest.fixture
def live(ctx, tmp_path):
    plots: list[LivePlot] = []

    def make(**kw):
        lp = LivePlot(report=ctx.lines.append, **kw)
        plots.append(lp)
        unsubscribe = ctx.stream.subscribe(lp)
        plots_unsub.append(unsubscribe)
        return lp

    plots_unsub: list = []
    yield make
    for u in plots_unsub:
        u()
    for lp in plots:
        lp.close()


def test_file_mode_shows_the_line_and_the_fit_when_done_and_prints_its_path(live, ctx, tmp_path):
    path = tmp_path / "live.png"
    lp = live(mode="file", path=path)
    x = SimMotor("x")
    scan(x, -1, 3, 0.05, GaussianCounter("det", x, centre=1.0, fwhm=0.8))
    assert lp.wait_shown(WAIT)
    rgb = read_rgb(path)
    assert has_colour(rgb, "tab:blue")
    assert has_colour(rgb, "tab:orange", min_pixels=300)  # the peak fit, drawn once the scan ended
    assert ctx.lines.count(f"Live plot: {path}") == 1


def test_a_fast_scan_is_redrawn_at_most_ten_times_a_second_and_ends_complete(live, tmp_path):
    lp = live(mode="file", path=tmp_path / "live.png", interval=0.1)
    draws: list[tuple[float, int]] = []
    # a sink that draws nothing, so only the throttle limits how often it is called
    lp.sink.show = lambda view, outcomes, done: draws.append((time.monotonic(), len(view.indices)))
    x = SimMotor("x")
    scan(x, 0, 19999, 1, SoftCounter("det"))
    assert lp.wait_shown(WAIT)
    assert draws[-1][1] == 20000
    assert len(draws) >= 3, draws  # it did redraw while the points came
    gaps = np.diff([t for t, _ in draws])
    assert gaps.min() >= 0.095, gaps


def test_a_grid_fills_in_and_ends_as_the_full_map(live, tmp_path, ctx):
    path = tmp_path / "live.png"
    lp = live(mode="file", path=path)
    x, y = SimMotor("x"), SimMotor("y")
    det = Gaussian2D("det", x, y, cx=0.5, cy=-1.0)
    captured: list = []
    partial = lambda doc: captured.append(doc)  # noqa: E731
    unsubscribe = ctx.stream.subscribe(partial)
    scan(x, -1, 1, 0.5, y, -1.5, 1.5, 0.5, det)
    unsubscribe()
    assert lp.wait_shown(WAIT)
    rgb = read_rgb(path)
    rows, cols = map_region(rgb)
    grid = values_of(cells(rgb[rows, cols], (5, 7)))[::-1]
    assert np.unravel_index(np.argmax(grid), grid.shape) == (3, 1)

    # the same scan after 2 of its 5 rows: those rows coloured, the others still blank
    data = LiveData(captured[0])
    for doc in captured[1 : 1 + 14]:
        data.add(doc)
    half = mpimg.imread(io.BytesIO(render_png(data.view(), [])))
    half = (half[..., :3] * 255).astype(int)
    region = cells(half[rows, cols], (5, 7))[::-1]
    blank = (region == 255).all(axis=-1)
    assert not blank[:2].any() and blank[2:].all()


def test_notebook_mode_updates_one_image_in_place(live):
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output

    InteractiveShell.instance()
    with capture_output() as captured:
        lp = live(mode="notebook")
        x = SimMotor("x")
        scan(x, -1, 3, 0.1, GaussianCounter("det", x, centre=1.0, fwhm=0.8))
        assert lp.wait_shown(WAIT)
    outputs = captured.outputs
    assert outputs and all("image/png" in o.data for o in outputs)
    ids = {o.transient["display_id"] for o in outputs}
    assert len(ids) == 1  # one image per scan, replaced as points arrive
    assert [bool(o.update) for o in outputs] == [False] + [True] * (len(outputs) - 1)
    png = outputs[-1].data["image/png"]
    png = base64.b64decode(png) if isinstance(png, str) else png  # IPython sends it as base64
    rgb = (mpimg.imread(io.BytesIO(png))[..., :3] * 255).astype(int)
    assert has_colour(rgb, "tab:orange", min_pixels=300)


def test_an_unknown_mode_is_refused_in_one_line():
    with pytest.raises(ValueError, match="LivePlot mode 'screen' is not one of auto, window, notebook, file"):
        LivePlot(mode="screen")
