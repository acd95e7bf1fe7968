"""Software fly scans (flyscan, flyscancn, fscan) on simulated motors, with the Java engine and the
NeXus writer: what a user sees in the file, the output and the motor afterwards."""

from __future__ import annotations

import threading

import h5py
import numpy as np
import pytest

import gda_bridge.commands as cmd
from gda_bridge.commands import flyscan, flyscancn, fscan, scan
from gda_bridge.core.documents import ScanPoint, ScanStatus
from gda_bridge.core.errors import DeviceError, ScanAbortedError, ScanSyntaxError
from gda_bridge.devices import ScannableMotionBase
from gda_bridge.devices.sim import GaussianCounter, SimMotor
from gda_bridge.nexus import NexusWriter

#: How far behind its demand a captured readback may be: the motor passes the demand, the wait
#: wakes (an Event's timeout, ~1 ms late on an idle machine; 10 ms allowed, the machine is shared)
#: and reads the position: speed x 10 ms (0.02 at 2/s). The readback is never before the demand.
LATENCY = 0.01


@pytest.fixture
def files(ctx, data_dir):
    writer = NexusWriter(data_dir, "t")
    ctx.stream.subscribe(writer, critical=True)

    def last():
        return h5py.File(writer.path, "r")

    return last


def _datasets(f: h5py.File) -> set[str]:
    names: set[str] = set()
    f["entry1"].visit(lambda n: names.add(n) if isinstance(f["entry1"][n], h5py.Dataset) else None)
    return names


def test_flyscan_records_a_point_per_step_at_the_readback_the_motor_had(files, ctx):
    x = SimMotor("x", speed=5.0, limits=(-10, 10))
    det = GaussianCounter("det", x, centre=1.0)
    s = flyscan(x, 0, 2, 0.2, det, 0.02, 0.08)
    speed = 0.2 / 0.1
    assert s.status is ScanStatus.COMPLETED_OKAY and s.num_points == 10
    demands = np.arange(10) * 0.2
    with files() as f:
        readback = f["entry1/instrument/x/x"][()]
        assert f["entry1/instrument/x/x_set"][()] == pytest.approx(demands)
        fly_layout = _datasets(f)
    error = readback - demands
    assert error.min() >= 0 and error.max() <= speed * LATENCY, error
    assert not [line for line in ctx.lines if "late" in line]
    assert x.speed == 5.0 and x() == pytest.approx(2.0)  # speed restored; it flew to the end
    assert any("x flies from 0 to 2 at 2/s: 10 point(s) from 0 to 1.8" in line for line in ctx.lines)
    scan(x, 0, 1.8, 0.2, det, 0.02)
    with files() as f:
        assert _datasets(f) == fly_layout  # the same layout as a step scan's


def test_flyscan_without_a_step_is_one_exposure_over_the_whole_fly(ctx):
    x = SimMotor("x", speed=5.0)
    s = flyscan(x, 1, 0, GaussianCounter("det", x), 0.05)
    assert s.num_points == 1 and s["x"][0] == pytest.approx(1.0, abs=20 * LATENCY)
    assert x() == pytest.approx(0.0) and x.speed == 5.0


def test_flyscancn_is_centred_on_the_motor_and_returns_it_there(ctx):
    x = SimMotor("x", speed=5.0, position=1.0)
    s = flyscancn(x, 0.1, 5, GaussianCounter("det", x), 0.01, 0.01)
    assert s.num_points == 5
    assert np.all(s["x"] - np.array([0.8, 0.9, 1.0, 1.1, 1.2]) >= -1e-9)
    assert np.all(s["x"] - np.array([0.8, 0.9, 1.0, 1.1, 1.2]) <= 5 * LATENCY)
    assert x() == pytest.approx(1.0) and x.speed == 5.0


def test_fscan_nests_the_fly_in_a_step_scan(files, ctx):
    y, x = SimMotor("y", speed=20.0), SimMotor("x", speed=3.0, acceleration=0.02)
    det = GaussianCounter("det", x)
    s = fscan(y, 0, 1, 0.5, flyscan, x, 0, 1, 0.25, det, 0.01, 0.01)
    assert s.status is ScanStatus.COMPLETED_OKAY and s.num_points == 12
    assert s["y"].tolist() == [0.0] * 4 + [0.5] * 4 + [1.0] * 4
    demands = np.tile([0.0, 0.25, 0.5, 0.75], 3)
    error = s["x"] - demands
    assert error.min() >= 0 and error.max() <= 12.5 * LATENCY, error
    with files() as f:
        assert f["entry1/instrument/x/x"].shape == (3, 4)
        assert f["entry1/instrument/x/x_set"][()] == pytest.approx([0.0, 0.25, 0.5, 0.75])
    # run-up and run-down of ACCL x v / 2 = 0.02 x 12.5 / 2 = 0.125 beyond the range
    assert x() == pytest.approx(1.125) and x.speed == 3.0


def _each_past_its_demand_and_short_of_the_next(recorded, demands, step):
    """Each point's readback is where the motor was once past its demand and before the next one:
    how far past depends on how quickly a loaded machine wakes the scan, which is no test's business."""
    moved = (np.asarray(recorded, dtype=float) - np.asarray(demands, dtype=float)) * np.sign(step)
    assert np.all(moved >= -1e-9) and np.all(moved < abs(step)), (recorded, demands)


def test_fscan_with_flyscancn_and_in_gda_syntax(ctx):
    from gda_bridge.jython.runner import ScriptRunner

    y, x = SimMotor("y", speed=20.0), SimMotor("x", speed=3.0, position=2.0)
    runner = ScriptRunner(names={"x": x, "y": y, "det": GaussianCounter("det", x)}, translate_imports=False)
    points: list[ScanPoint] = []
    ctx.stream.subscribe(lambda doc: points.append(doc) if isinstance(doc, ScanPoint) else None)
    runner.run_source("fscan y 0 1 1 flyscancn x 0.5 3 det 0.01 0.09\n")  # 5/s
    assert [p.data["y"] for p in points] == [0, 0, 0, 1, 1, 1]
    _each_past_its_demand_and_short_of_the_next([p.data["x"] for p in points], [1.5, 2.0, 2.5] * 2, 0.5)
    assert x() == pytest.approx(3.0)  # fscan does not return the motor (GDA's Fscan neither)
    points.clear()
    runner.run_source("flyscan x 0 1 0.25 det 0.01 0.04\n")
    _each_past_its_demand_and_short_of_the_next([p.data["x"] for p in points], [0, 0.25, 0.5, 0.75], 0.25)
    points.clear()  # GDA's module, as beamline scripts import it; fscan in its vararg form
    runner.run_source("from gdascripts.scan.flyscan_script import flyscan, fscan\n"
                      "fscan([y, 0, 1, 1, flyscan, x, 1, 0, 0.5, det, 0.01, 0.09])\n")
    _each_past_its_demand_and_short_of_the_next([p.data["x"] for p in points], [1, 0.5] * 2, -0.5)


def test_the_speed_is_capped_at_the_motors_maximum_with_a_message(ctx):
    x = SimMotor("x", speed=1.0, max_speed=2.0)
    s = flyscan(x, 0, 1, 0.1, GaussianCounter("det", x), 0.01)
    assert s.num_points == 10
    assert ("flyscan: x: the speed the points need, 10/s, is above the motor's maximum 2/s: flying at 2/s, "
            "each point takes 0.05 s instead of 0.01 s") in ctx.lines
    assert x.speed == 1.0


@pytest.mark.parametrize(("start", "stop", "refused"), [(0.0, 2.0, "run-down end 2.1"), (2.0, 0.0, "run-up start 2.1")])
def test_a_run_up_or_run_down_beyond_a_limit_moves_nothing(ctx, start, stop, refused):
    x = SimMotor("x", speed=1.0, limits=(-1, 2.05), acceleration=0.04, position=0.5)
    with pytest.raises(DeviceError) as e:
        flyscan(x, start, stop, 0.5, GaussianCounter("det", x), 0.05, 0.05)  # 5/s: 0.1 beyond
    assert refused in str(e.value) and "x: position 2.1 is outside the limits (-1:2.05)" in str(e.value)
    assert x() == 0.5 and not x.isBusy() and x.speed == 1.0


def test_a_motor_that_cannot_fly_is_refused(ctx):
    class NoSpeed(ScannableMotionBase):
        def __init__(self):
            self.name, self.inputNames = "ns", ["ns"]

        def rawGetPosition(self):
            return 0.0

    with pytest.raises(ScanSyntaxError, match="ns cannot fly: it has no speed"):
        flyscan(NoSpeed(), 0, 1, 0.1, SimMotor("d"), 0.1)
    with pytest.raises(ScanSyntaxError, match="give the detector an exposure time"):
        flyscan(SimMotor("x", speed=1.0), 0, 1, 0.1, GaussianCounter("det", None))
    shifted = SimMotor("x", speed=1.0)
    shifted.setOffset(0.5)
    with pytest.raises(DeviceError, match=r"x: cannot fly with an offset \(\[0.5\]\)"):
        flyscan(shifted, 0, 1, 0.1, GaussianCounter("det", None), 0.1)


def _at_point(ctx, index: int, action) -> threading.Thread:
    reached = threading.Event()
    ctx.stream.subscribe(lambda doc: reached.set() if isinstance(doc, ScanPoint) and doc.index == index else None)
    thread = threading.Thread(target=lambda: reached.wait(20) and action())
    thread.start()
    return thread


def test_an_abort_stops_the_motor_restores_its_speed_and_keeps_the_points(files, ctx, documents):
    x = SimMotor("x", speed=1.0)
    thread = _at_point(ctx, 3, cmd.abort)
    with pytest.raises(ScanAbortedError):
        flyscan(x, 0, 4, 0.2, GaussianCounter("det", x), 0.05, 0.05)  # 2/s, 2 s in all
    thread.join()
    assert documents[-1].status is ScanStatus.COMPLETED_AFTER_STOP
    assert not x.isBusy() and 0.6 <= x() < 1.5 and x.speed == 1.0
    n = documents[-1].num_points
    with files() as f:
        assert 4 <= n <= 6 and np.all(np.isfinite(f["entry1/instrument/x/x"][:n]))


def test_an_abort_during_the_run_up_move_never_starts_the_fly(ctx, documents):
    from gda_bridge.core.documents import ScanStart

    x = SimMotor("x", speed=1.0, position=3.0)  # 3 s back to the start at its own speed
    ctx.stream.subscribe(lambda doc: threading.Timer(0.3, cmd.abort).start() if isinstance(doc, ScanStart) else None)
    with pytest.raises(ScanAbortedError):
        flyscan(x, 0, 1, 0.1, GaussianCounter("det", x), 0.01, 0.01)
    assert documents[-1].status is ScanStatus.COMPLETED_AFTER_STOP and documents[-1].num_points == 0
    assert not x.isBusy() and 2.0 < x() < 3.0 and x.speed == 1.0  # stopped on its way, not flown


def test_a_motor_stopped_mid_fly_fails_the_scan_naming_the_point_and_where_it_is(ctx, documents):
    x = SimMotor("x", speed=1.0)
    thread = _at_point(ctx, 3, x.stop)  # someone else stops the motor
    with pytest.raises(DeviceError) as e:
        flyscan(x, 0, 4, 0.2, GaussianCounter("det", x), 0.05, 0.05)
    thread.join()
    assert documents[-1].status is ScanStatus.COMPLETED_AFTER_FAILURE
    where = x()
    assert f"x: fly scan stopped at {where:.6g} before reaching the point" in str(e.value)
    assert "it stopped moving" in str(e.value) and x.speed == 1.0
    taken = documents[-1].num_points
    assert all(p.data["x"] >= p.index * 0.2 - 1e-9 for p in documents if isinstance(p, ScanPoint))
    assert taken * 0.2 > where - 0.2  # no point recorded beyond where the motor stopped


def test_a_motor_sent_elsewhere_mid_fly_fails_the_scan_and_is_stopped(ctx, documents):
    x = SimMotor("x", speed=1.0)
    thread = _at_point(ctx, 2, lambda: x.asynchronousMoveTo(-5))  # someone else moves it away
    with pytest.raises(DeviceError) as e:
        flyscan(x, 0, 4, 0.2, GaussianCounter("det", x), 0.05, 0.05)
    thread.join()
    assert documents[-1].status is ScanStatus.COMPLETED_AFTER_FAILURE
    assert "x: fly scan point 0.6 not reached: the motor is at" in str(e.value)
    assert not x.isBusy() and x() > 0 and x.speed == 1.0


class SlowRead(ScannableMotionBase):
    """A monitor that takes 60 ms to read (a slow readout), longer than the fly's point time."""

    def __init__(self):
        self.name, self.inputNames, self._never = "slow", ["slow"], threading.Event()

    def rawGetPosition(self):
        self._never.wait(0.06)  # the device's own read time, not synchronisation
        return 1.0


def test_points_collected_late_record_where_the_motor_was_and_are_counted(ctx):
    x = SimMotor("x", speed=1.0)
    s = flyscan(x, 0, 1, 0.1, GaussianCounter("det", x), 0.01, 0.01, SlowRead())
    assert s.num_points == 10 and s.status is ScanStatus.COMPLETED_OKAY
    demands = np.arange(10) * 0.1
    late = s["x"] - demands
    assert np.all(late >= 0) and late[1:].min() > 0.05  # 5 units/s x > 10 ms beyond
    summary = [line for line in ctx.lines if "collected late" in line]
    assert len(summary) == 1 and summary[0].startswith("x: ")
    assert "of 10 points collected late: the detector's readout (" in summary[0]
    assert "is longer than the point time (0.02 s)" in summary[0]


def test_a_stop_from_another_thread_is_never_undone_by_the_next_point(ctx):
    """An abort stops the wrapper from its own thread while the scan thread may be about to start
    the next point: that point must fail, not send the motor off to the run-down end again."""
    from gda_bridge.devices.flying import FlyScannable

    x = SimMotor("x", speed=1.0)
    fly = FlyScannable(x, [0.0, 0.5, 1.0], 1.0, end=1.5)
    fly.atScanStart()
    fly.atScanLineStart()
    fly.stop()
    with pytest.raises(DeviceError, match="x: the fly was stopped; point 0.5 is not taken"):
        fly.asynchronousMoveTo(0.5)
    assert not x.isBusy() and x.getPosition() == 0.0
    fly.atScanLineStart()  # a new line (a new scan) flies again
    fly.asynchronousMoveTo(0.0)
    assert x.isBusy()
    x.stop()


def test_the_wrapper_takes_only_its_own_points(ctx):
    from gda_bridge.devices.flying import FlyScannable

    fly = FlyScannable(SimMotor("x", speed=1.0), [0.0, 0.5, 1.0], 1.0, end=1.5)
    assert fly.checkPositionValid(0.5) is None and fly.checkPositionValid(1.0) is None
    assert fly.checkPositionValid(0.25) == "x: 0.25 is not one of this fly scan's points"
    assert fly.checkPositionValid(1.5) == "x: 1.5 is not one of this fly scan's points"
    assert fly.checkPositionValid("a") == "x: fly scan point 'a' is not a number"
