"""%load_ext gda_bridge in a real IPython shell: GDA syntax in cells, the session on the shell's
own namespace (devices, peak, go), the file, the progress line and the display hook."""

from __future__ import annotations

import io

import h5py
import pytest
from IPython.core.interactiveshell import InteractiveShell

from gda_bridge.core.documents import ScanStart
from gda_bridge.session import display
from gda_bridge.session.progress import TextProgress, describe

CONFIG = """
[beamline]
name = "i99"

[devices.x]
driver = "sim_motor"
speed = 1000.0
limits = [-10, 10]

[devices.det]
driver = "gaussian_counter"
motor = "@x"
centre = 1.3
fwhm = 0.8
peak = 1000
noise = 0.0
background = 3.0
"""


@pytest.fixture
def shell(ctx):
    InteractiveShell.clear_instance()
    sh = InteractiveShell.instance()
    yield sh
    sh.run_cell("%unload_ext gda_bridge")
    InteractiveShell.clear_instance()


def run(shell, cell: str):
    result = shell.run_cell(cell)
    result.raise_error()
    return result.result


def test_gda_syntax_scans_into_a_file_and_binds_peak_in_the_shells_namespace(shell, ctx, data_dir, tmp_path):
    seen: list[object] = []

    def factory(session, *, notebook):
        assert session.namespace is shell.user_ns
        return seen.append

    display.register_display(factory)
    try:
        (tmp_path / "bl.toml").write_text(CONFIG)
        run(shell, "%load_ext gda_bridge")
        run(shell, f"%gda_config {tmp_path / 'bl.toml'}")
        run(shell, "pos x 0.5")
        assert shell.user_ns["x"].getPosition() == pytest.approx(0.5)
        run(shell, "scan x 0 2.5 0.1 det 0.001")
        result = shell.user_ns["_gda_result"] = ctx.last_result
        run(shell, "go peak")
    finally:
        display.unregister_display(factory)
    assert shell.user_ns["peak"].result.pos == pytest.approx(1.3, abs=0.01)
    assert shell.user_ns["x"].getPosition() == pytest.approx(1.3, abs=0.01)
    assert result.path == data_dir / "i99-1.nxs"
    with h5py.File(result.path, "r") as f:
        assert f["/entry1/det/data"].shape == (26,)
    assert result.wait(0)  # the plot and hooks were done before the scan returned
    assert any(isinstance(d, ScanStart) for d in seen)


def test_the_progress_line_says_points_and_time_left_and_gives_way_to_other_output():
    assert describe(7, 13, 26, 6.5) == "scan 7: 13/26 points, 6 s left"
    assert describe(7, 26, 26, 13.0) == "scan 7: 26/26 points, done in 13.0 s"
    # with the scan's estimate: from it before the first point, more from the rate as points come
    assert describe(7, 0, 20, 1.0, estimated=31.0) == "scan 7: 0/20 points, 30 s left"
    assert describe(7, 10, 20, 10.0, estimated=30.0) == "scan 7: 10/20 points, 15 s left"  # (10 + 20) / 2
    out = io.StringIO()
    progress = TextProgress(out)
    progress.show("scan 1: 1/2 points", end="")
    progress.clear()
    out.write("next line\n")
    assert out.getvalue().endswith("\r" + " " * len("scan 1: 1/2 points") + "\rnext line\n")


def test_a_session_already_on_the_shells_namespace_is_adopted_not_doubled(ctx, data_dir):
    """The console's way: its session owns the namespace; the extension adds only the syntax."""
    from gda_bridge.session import Session, demo_devices

    session = Session(ctx=ctx)
    session.add_devices(demo_devices())
    InteractiveShell.clear_instance()
    sh = InteractiveShell.instance(user_ns=session.namespace)
    seen: list[object] = []
    factory = display.register_display(lambda s, *, notebook: seen.append if s is session and not notebook else None)
    try:
        run(sh, "%load_ext gda_bridge")
        assert sh._gda_bridge_extension.session is session
        run(sh, "scan x 0 2 0.5 det 0.001")
        run(sh, "%unload_ext gda_bridge")
        assert ctx.session is session  # the owner's session outlives the extension
    finally:
        display.unregister_display(factory)
        InteractiveShell.clear_instance()
        session.close()
    assert sum("Writing data to file" in line for line in ctx.lines) == 1
    assert any(isinstance(d, ScanStart) for d in seen)  # a live view attaches to the console too
    assert [p.name for p in data_dir.glob("*.nxs")] == ["gda-1.nxs"]


def test_the_widget_progress_shows_a_bar_per_scan_moved_by_its_points():
    """Unit test of WidgetProgress with stand-in widget classes (ipywidgets is optional)."""
    from types import SimpleNamespace

    from gda_bridge.core.documents import ScanPoint
    from gda_bridge.session.progress import WidgetProgress

    shown: list[SimpleNamespace] = []
    widgets = SimpleNamespace(IntProgress=SimpleNamespace, Label=lambda: SimpleNamespace(value=""),
                              HBox=lambda children: SimpleNamespace(children=children))
    progress = WidgetProgress(widgets, shown.append, clock=iter([0.0, 0.0, 1.0]).__next__)
    progress(ScanStart(uid="u", scan_number=3, command="scan x 0 1 1 det", shape=(2,), devices=(), time=0.0,
                       estimated_seconds=2.0))
    bar, label = shown[0].children
    assert (bar.max, bar.value, label.value) == (2, 0, "scan 3: 0/2 points, 2 s left")  # the estimate, at once
    progress(ScanPoint(uid="u", index=0, indices=(0,), time=1.0, data={}))
    assert (bar.max, bar.value, label.value) == (2, 1, "scan 3: 1/2 points, 1 s left")
