"""Scans of Python and Java devices through the Java engine, as a user runs them."""

from __future__ import annotations

import os
import signal
import threading

import numpy as np
import pytest

from gda_bridge import commands
from gda_bridge.commands import (
    a2scan,
    ascan,
    cscan,
    dscan,
    gscan,
    inc,
    mesh,
    pos,
    pscan,
    rscan,
    scan,
    staticscan,
    timescan,
)
from gda_bridge.commands import session as cmd
from gda_bridge.core.documents import ScanPoint, ScanStart, ScanStatus, ScanStop
from gda_bridge.core.errors import DeviceError, ScanAbortedError, ScanSyntaxError
from gda_bridge.devices import ScannableMotionBase
from gda_bridge.devices.sim import GaussianCounter, SimMotor, SimMultiField, SoftCounter
from tests.sample_devices import Temperature


@pytest.fixture
def x():
    return SimMotor("x", speed=None, limits=(-10, 10))


@pytest.fixture
def det(x):
    return GaussianCounter("det", motor=x, centre=1.3, fwhm=0.8, peak=1000, noise=0.0)


def test_scan_returns_columns_status_and_number_and_prints_the_table(ctx, x, det):
    s = scan(x, -2, 2, 0.1, det, 0.0)
    assert s.status is ScanStatus.COMPLETED_OKAY and s.num_points == 41
    np.testing.assert_allclose(s["x"], np.linspace(-2, 2, 41), atol=1e-12)
    assert s["x"][s["det"].argmax()] == pytest.approx(1.3)
    assert s.command == "scan x -2 2 0.1 det 0"
    assert isinstance(s.scan_number, int)
    header = ctx.lines[1].split()
    assert header == ["x", "det"] and ctx.lines[-1] == "Scan complete."
    assert len(ctx.lines) == 2 + 41 + 1
    assert ctx.lines[2].split() == ["-2.0000", "0.00"]


def test_documents_arrive_in_order_with_columns_and_grid_indices(documents, x, det):
    scan(x, 0, 1, 0.5, det)
    start, *points, stop = documents
    assert isinstance(start, ScanStart) and isinstance(stop, ScanStop)
    assert start.columns == ("x", "det") and start.shape == (3,) and start.axes(0) == ("x",)
    assert [p.index for p in points] == [0, 1, 2] and [p.indices for p in points] == [(0,), (1,), (2,)]
    assert all(isinstance(p, ScanPoint) for p in points)
    assert [p.data["x"] for p in points] == [0.0, 0.5, 1.0]
    assert stop.status is ScanStatus.COMPLETED_OKAY and stop.num_points == 3
    limits = start.devices[0].fields[0]
    assert (limits.lower_limit, limits.upper_limit) == (-10.0, 10.0)


def test_users_own_scannable_class_runs_through_the_java_engine(ctx, det):
    temp = Temperature("temp")
    s = scan(temp, 20, 30, 1, det)
    np.testing.assert_allclose(s["temp"], np.arange(20, 31))
    assert temp() == 30.0


def test_java_dummy_devices_scan_like_python_ones(ctx):
    from gda_bridge.devices.java import java_sim_counter, java_sim_motor

    jx = java_sim_motor("jx", speed=0, lower=-10, upper=10)
    jdet = java_sim_counter("jdet", jx, centre=0.5, fwhm=0.4, peak=100)
    s = scan(jx, 0, 1, 0.25, jdet, 0.0)
    np.testing.assert_allclose(s["jx"], [0, 0.25, 0.5, 0.75, 1.0])
    assert s["jx"][s["jdet"].argmax()] == pytest.approx(0.5)
    assert jx() == pytest.approx(1.0) and "jx" in repr(jx)


def test_grid_scan_keeps_its_shape(documents, x):
    y = SimMotor("y")
    counter = SoftCounter("c", 2.0)
    s = scan(x, 0, 1, 1, y, 0, 2, 1, counter)
    assert s.shape == (2, 3) and s.grid("y").tolist() == [[0, 1, 2], [0, 1, 2]]
    assert [p.indices for p in documents if isinstance(p, ScanPoint)][:4] == [(0, 0), (0, 1), (0, 2), (1, 0)]


def test_multi_field_scannable_gives_a_column_per_field(ctx):
    mf = SimMultiField("mf")
    s = scan(mf, [0, 0], [1, 2], [1, 2])
    assert s.keys() == ["a", "b", "total"] and s["total"].tolist() == [0.0, 3.0]


def test_position_outside_limits_is_refused_before_anything_moves(ctx, x, det):
    x(1.0)
    with pytest.raises(DeviceError, match=r"x: position 11 is outside the limits \(-10:10\)"):
        scan(x, 8, 12, 1, det)
    assert x() == 1.0 and not [line for line in ctx.lines if line.startswith("Scan")]


def test_bad_grammar_gives_one_clear_line(ctx, x):
    with pytest.raises(ScanSyntaxError):
        scan(x, 0, 1)
    with pytest.raises(ScanSyntaxError, match="first argument"):
        rscan(1, 2, 3)


def test_failing_device_ends_the_scan_after_failure_and_stops_everything(documents, x):
    class Broken(ScannableMotionBase):
        def __init__(self):
            self.name = "broken"
            self.inputNames = ["broken"]
            self.stopped = self.failed = 0

        def rawGetPosition(self):
            return 0.0

        def rawAsynchronousMoveTo(self, p):
            if p >= 2:
                raise DeviceError("broken: hardware fault at 2")

        def stop(self):
            self.stopped += 1

        def atCommandFailure(self):
            self.failed += 1

    b = Broken()
    with pytest.raises(DeviceError, match="hardware fault"):
        scan(b, 0, 3, 1)
    stop = documents[-1]
    assert stop.status is ScanStatus.COMPLETED_AFTER_FAILURE and stop.num_points == 2
    assert "hardware fault" in stop.reason and b.stopped >= 1 and b.failed == 1


def test_abort_from_another_thread_stops_the_motor_mid_move(documents):
    slow = SimMotor("slow", speed=2.0)
    reached = threading.Event()

    def on_doc(doc):
        if isinstance(doc, ScanPoint) and doc.index == 1:
            reached.set()

    cmd.context().stream.subscribe(on_doc)
    aborter = threading.Thread(target=lambda: reached.wait(10) and cmd.abort())
    aborter.start()
    with pytest.raises(ScanAbortedError):
        scan(slow, 0, 10, 1)
    aborter.join()
    stop = documents[-1]
    assert stop.status is ScanStatus.COMPLETED_AFTER_STOP
    assert not slow.isBusy() and 1.0 <= slow() < 3.0


def _python_motor():
    return SimMotor("slow", speed=1.0)


def _java_motor():
    from gda_bridge.devices.java import java_sim_motor

    return java_sim_motor("jslow", speed=1.0)


@pytest.mark.parametrize("make_motor", [_python_motor, _java_motor], ids=["python-motor", "java-motor"])
def test_ctrl_c_stops_every_device_mid_move_and_raises_keyboard_interrupt(documents, make_motor):
    slow = make_motor()

    def interrupt_at_point_one(doc):
        if isinstance(doc, ScanPoint) and doc.index == 1:
            # the next move (1 -> 2) takes a second; interrupt it from another thread
            threading.Timer(0.1, os.kill, (os.getpid(), signal.SIGINT)).start()

    cmd.context().stream.subscribe(interrupt_at_point_one)
    with pytest.raises(KeyboardInterrupt):
        scan(slow, 0, 5, 1)
    assert documents[-1].status is ScanStatus.COMPLETED_AFTER_STOP
    assert not slow.isBusy() and 1.0 < slow() < 2.0  # stopped mid-move, not after it


def test_finish_early_from_another_thread_ends_a_paused_scan(documents):
    """Finishing early also releases the pause (no resume needed: the scan may be over by then)."""
    m = SimMotor("m")
    paused_at = []

    def control(doc):
        if isinstance(doc, ScanPoint) and doc.index == 3:
            cmd.pause()  # the scan waits before point 4 until the other thread ends it
            paused_at.append(doc.index)
            threading.Thread(target=cmd.finish_early).start()

    cmd.context().stream.subscribe(control)
    s = scan(m, 0, 9, 1)
    assert paused_at == [3]
    assert s.status is ScanStatus.COMPLETED_EARLY and s.num_points in (4, 5)
    assert documents[-1].status is ScanStatus.COMPLETED_EARLY


def test_pos_prints_gda_lines_and_moves_by_level(ctx):
    x = SimMotor("x", speed=50.0, limits=(-10, 10))
    pos(x, 5)
    assert ctx.lines == ["Move completed: x : 5.0000 (-10:10)"]
    inc(x, -1)
    assert ctx.lines[-1] == "Relative move complete: x : 4.0000 (-10:10)"
    order = []

    class Recorder(ScannableMotionBase):
        def __init__(self, name, level):
            self.name, self.inputNames, self.level, self._p = name, [name], level, 0.0

        def rawGetPosition(self):
            return self._p

        def rawAsynchronousMoveTo(self, p):
            order.append(self.name)
            self._p = p

    pos(Recorder("late", 9), 1, Recorder("early", 1), 2)
    assert order == ["early", "late"]


def test_pos_outside_limits_moves_nothing(ctx):
    x = SimMotor("x", limits=(-10, 10))
    y = SimMotor("y")
    with pytest.raises(DeviceError, match=r"x: position 11 is outside the limits \(-10:10\)"):
        pos(y, 3, x, 11)
    assert y() == 0.0


def test_relative_and_centred_scans_return_to_start(ctx, x, det):
    x(1.0)
    s = rscan(x, -0.5, 0.5, 0.5, det)
    assert s["x"].tolist() == [0.5, 1.0, 1.5] and x() == 1.0
    s = cscan(x, 1, 0.5, det)
    assert s["x"].tolist() == [0.0, 0.5, 1.0, 1.5, 2.0] and x() == 1.0
    s = dscan(x, -1, 1, 4, det, 0)
    assert s["x"].tolist() == [0.0, 0.5, 1.0, 1.5, 2.0] and x() == 1.0


def test_other_scan_forms(ctx, x, det):
    assert pscan(x, 0, 0.5, 3, det)["x"].tolist() == [0.0, 0.5, 1.0]
    assert gscan(x, 0, 1, 1, det, 0.0)["x"].tolist() == [0.0, 1.0]
    assert staticscan(det).num_points == 1
    y = SimMotor("y")
    assert ascan(x, 0, 1, 2, det, 0)["x"].tolist() == [0.0, 0.5, 1.0]
    s = a2scan(x, 0, 1, y, 10, 12, 2, det, 0)
    assert s["y"].tolist() == [10.0, 11.0, 12.0]
    assert mesh(x, 0, 1, 1, y, 0, 1, 1, det, 0).shape == (2, 2)
    assert scan(x, (0.0, 0.3, 0.9), det)["x"].tolist() == [0.0, 0.3, 0.9]


def test_spec_scans_count_with_the_configured_counters(ctx, x, det):
    cmd.set_spec_counters(det)
    assert ascan(x, 0, 1, 1, 0.0)["det"].shape == (2,)


def test_timescan_reads_at_fixed_times(ctx, det):
    s = timescan(det, 3, 0.05, 0.0)
    t = s["time"]
    assert s.num_points == 3 and t[0] >= 0 and t[2] >= 0.1


def test_testscan_validates_without_moving(ctx, x, det):
    msg = commands.testscan(x, 0, 2, 1, det)
    assert "3 points" in msg and x() == 0.0
    with pytest.raises(DeviceError):
        commands.testscan(x, 0, 20, 1, det)


def test_default_scannables_are_read_in_every_scan(ctx, x, det):
    temp = Temperature("temp")
    cmd.add_default(temp)
    s = scan(x, 0, 1, 1, det)
    assert s["temp"].tolist() == [20.0, 20.0]
    cmd.remove_default(temp)
    assert "temp" not in scan(x, 0, 1, 1, det).keys()


def test_ctrl_c_during_pos_stops_the_move(ctx):
    slow = SimMotor("slow", speed=1.0)
    threading.Timer(0.2, lambda: os.kill(os.getpid(), signal.SIGINT)).start()
    with pytest.raises(KeyboardInterrupt):
        pos(slow, 5)
    assert not slow.isBusy() and 0.0 < slow() < 1.0


def test_a_one_field_device_may_return_its_position_as_a_list(ctx):
    class ListPosition(ScannableMotionBase):
        def __init__(self):
            self.name, self.inputNames, self._p = "lp", ["lp"], 0.0

        def rawGetPosition(self):
            return [self._p]

        def rawAsynchronousMoveTo(self, p):
            self._p = float(p[0] if isinstance(p, list) else p)

    assert scan(ListPosition(), 0, 1, 0.5)["lp"].tolist() == [0.0, 0.5, 1.0]
