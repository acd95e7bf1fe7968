"""The console's live plot: a real matplotlib window on a virtual X display, checked by a
screenshot; without a display, the PNG path instead."""

from __future__ import annotations

import shutil

import pytest
from png_checks import has_colour, read_rgb
from xwindow import screenshot, xvfb

from gda_bridge.commands import scan
from gda_bridge.devices.sim import GaussianCounter, SimMotor
from gda_bridge.plotting import LivePlot, default_mode

WAIT = 60.0

pytestmark = pytest.mark.skipif(
    shutil.which("Xvfb") is None or shutil.which("xwd") is None,
    reason="needs Xvfb and xwd (Debian: apt-get install xvfb x11-apps)",
)


@pytest.fixture
def display(monkeypatch):
    with xvfb() as name:
        monkeypatch.setenv("DISPLAY", name)
        yield name


def test_the_window_shows_the_scan_and_its_fit(display, ctx):
    assert default_mode() == "window"
    lp = LivePlot(report=ctx.lines.append)
    unsubscribe = ctx.stream.subscribe(lp)
    try:
        before = screenshot(display)
        assert not has_colour(before, "tab:blue")
        x = SimMotor("x")
        scan(x, -1, 3, 0.05, GaussianCounter("det", x, centre=1.0, fwhm=0.8))
        assert lp.wait_shown(WAIT)
        shot = screenshot(display)
        assert has_colour(shot, "tab:blue", min_pixels=100)  # the points and their line
        assert has_colour(shot, "tab:orange", min_pixels=300)  # the peak fit
        assert not any(line.startswith("Live plot:") for line in ctx.lines)  # a window, not a path
    finally:
        unsubscribe()
        lp.close()
    assert lp.sink._proc is None


def test_without_a_display_the_live_plot_is_a_file_and_its_path_is_printed(monkeypatch, ctx, tmp_path):
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    lp = LivePlot(path=tmp_path / "live.png", report=ctx.lines.append)
    assert lp.mode == "file"
    unsubscribe = ctx.stream.subscribe(lp)
    try:
        x = SimMotor("x")
        scan(x, 0, 1, 0.5, GaussianCounter("det", x))
        assert lp.wait_shown(WAIT)
    finally:
        unsubscribe()
        lp.close()
    assert f"Live plot: {tmp_path / 'live.png'}" in ctx.lines


def test_a_window_that_cannot_open_says_why_and_the_plot_goes_to_the_file(monkeypatch, ctx, tmp_path):
    monkeypatch.setenv("DISPLAY", ":31999")  # no X server there
    path = tmp_path / "live.png"
    lp = LivePlot(mode="window", path=path, report=ctx.lines.append)
    unsubscribe = ctx.stream.subscribe(lp)
    try:
        x = SimMotor("x")
        scan(x, -1, 3, 0.1, GaussianCounter("det", x, centre=1.0, fwhm=0.8))
        assert lp.wait_shown(WAIT)
    finally:
        unsubscribe()
        lp.close()
    (said,) = [line for line in ctx.lines if line.startswith("the live plot window could not run")]
    assert "display" in said.lower() and said.endswith(f"drawing the live plot to {path} instead")
    assert has_colour(read_rgb(path), "tab:orange", min_pixels=300)
