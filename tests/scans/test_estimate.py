"""Scan-time estimates: motion from the planned path and the speeds, collection, and overheads
learnt from earlier scans of the same devices, kept in the data folder."""

from __future__ import annotations

import json

import pytest

from gda_bridge.commands import scan
from gda_bridge.core.documents import DeviceDescription, FieldDescription, ScanStart
from gda_bridge.devices.sim import GaussianCounter, SimMotor
from gda_bridge.scans.estimate import (
    COLD,
    DEFAULT_COLD_FIXED_OVERHEAD,
    DEFAULT_FIXED_OVERHEAD,
    DEFAULT_OVERHEAD_PER_POINT,
    FIRST_OF_KIND,
    SteadyPointClock,
    TimingHistory,
    motion_seconds,
)


def grid_start(outer: list[float], inner: list[float]) -> ScanStart:
    def moved(name: str, dim: int, demands: list[float]) -> DeviceDescription:
        return DeviceDescription(name, "scannable", (FieldDescription(name, name, name, "input",
                                                                      demands=tuple(demands)),), dimension=dim)

    det = DeviceDescription("det", "detector", (FieldDescription("det", "det", "det", "input"),), collection_time=0.1)
    return ScanStart("u", 1, "scan", (len(outer), len(inner)), (moved("y", 0, outer), moved("x", 1, inner), det), 0.0)


def test_motion_follows_the_planned_path_at_each_devices_speed():
    start = grid_start([0.0, 1.0, 2.0], [0.0, 2.0, 4.0])
    x, y = SimMotor("x", speed=2.0, position=-2.0), SimMotor("y", speed=0.5, position=0.0)
    # x: -2 -> 0 first (1 s), then three runs of two steps of 2 (1 s each); at each of the two
    # outer steps y moves 1 (2 s at 0.5/s) while x returns 4 (2 s at 2/s): they move together,
    # so the slower counts: 1 + 6 + 2 x 2.
    assert motion_seconds(start, {"x": x, "y": y}) == pytest.approx(1 + 6 + 4)
    slow_y = SimMotor("y", speed=0.25, position=0.0)  # its steps (4 s) outlast x's returns
    assert motion_seconds(start, {"x": x, "y": slow_y}) == pytest.approx(1 + 6 + 2 * 4)
    assert motion_seconds(start, {"x": SimMotor("x"), "y": y}) == pytest.approx(4.0)  # instant x: no time


def test_scannables_of_different_levels_move_one_level_after_the_other():
    start = grid_start([0.0, 1.0, 2.0], [0.0, 2.0, 4.0])
    x, y = SimMotor("x", speed=2.0, position=0.0), SimMotor("y", speed=0.5, position=0.0)
    y.setLevel(6)  # after x's level 5: y's steps wait for x's returns
    assert motion_seconds(start, {"x": x, "y": y}) == pytest.approx(6 + 2 * (2 + 2))


def test_overheads_are_learnt_per_kind_and_kept_in_the_data_folder(tmp_path):
    history = TimingHistory(tmp_path)
    assert history.overhead("s:x d:det", 10, warm=True) == (
        pytest.approx(10 * DEFAULT_OVERHEAD_PER_POINT + DEFAULT_FIXED_OVERHEAD), 0)
    history.record("s:x d:det", 10, per_point_s=0.5, fixed_s=9.0, warm=False)  # a process's first scan
    history.record("s:x d:det", 10, per_point_s=0.01, fixed_s=0.2, warm=True)
    history.record("s:x d:det", 20, per_point_s=0.03, fixed_s=0.4, warm=True)
    history.record("s:x d:det", 40, per_point_s=0.02, fixed_s=0.3, warm=True)
    again = TimingHistory(tmp_path)  # another process, the same beamline
    assert again.overhead("s:x d:det", 100, warm=True) == (pytest.approx(100 * 0.02 + 0.3), 4)
    # a process's first scan pays its warming up once (fixed); its steady points cost the warm ones'
    assert again.overhead("s:x d:det", 100, warm=False) == (pytest.approx(100 * 0.02 + 9.0), 4)
    # a kind never seen: the warm scans of the others, not the first scan of a process
    assert again.overhead("s:y d:det", 10, warm=True) == (pytest.approx(10 * 0.02 + 0.3), 0)


def test_the_steady_point_time_is_taken_over_the_second_half_of_the_points():
    clock = SteadyPointClock(10)
    for t in (0.0, 5.0, 5.5, 6.0, 6.5, 7.0, 7.1, 7.2, 7.3, 7.4):  # a slow start, then 0.1 s a point
        clock.point(t)
    assert clock.seconds_per_point() == pytest.approx(0.1)
    short = SteadyPointClock(10)
    short.point(0.0)  # aborted after one point: nothing steady to say
    assert short.seconds_per_point() is None


def test_an_unreadable_history_starts_afresh(tmp_path):
    (tmp_path / ".scan_timing.json").write_text("{not json")
    assert TimingHistory(tmp_path).overhead("k", 1, warm=True)[1] == 0


def test_a_scan_says_its_estimate_and_teaches_the_next(ctx, tmp_path):
    ctx.timing = TimingHistory(tmp_path)
    x = SimMotor("x", speed=100.0)
    det = GaussianCounter("det", motor=x, centre=1.0, fwhm=1.0, peak=10.0)
    first = scan(x, 0, 2, 0.1, det, 0.01)
    assert first.start.estimated_seconds is not None
    assert ctx.lines[0].endswith(f"scan x 0 2 0.1 det 0.01  (21 points, about {first.start.estimated_seconds:.1f} s)")
    scan(x, 0, 2, 0.2, det, 0.01)
    kept = json.loads((tmp_path / ".scan_timing.json").read_text())
    assert [row[0] for row in kept["s:x d:det"]] == [21, 11]  # points of each scan learnt from
    aborted_before = len(kept["s:x d:det"])
    x.setUpperGdaLimits(1.0)
    with pytest.raises(Exception, match="outside the limits"):
        scan(x, 0, 2, 0.2, det, 0.01)
    kept = json.loads((tmp_path / ".scan_timing.json").read_text())
    assert len(kept["s:x d:det"]) == aborted_before  # a scan that did not run says nothing


class _Line(SimMotor):
    """A continuous line: its whole motion given by itself, a second of run-up and run-down per
    line on top of the fly."""

    collects_while_moving = True

    def estimate_motion_seconds(self, demands, passes, seconds_per_point):  # noqa: ANN001, ANN201
        fly = abs(demands[-1] - demands[0]) / self.speed + 1.0
        back = abs(demands[-1] - demands[0]) / self.speed
        return passes * fly + (passes - 1) * back


def test_a_continuous_scan_counts_its_collection_inside_the_lines_motion(tmp_path):
    from gda_bridge.scans.estimate import estimate

    start = grid_start([0.0, 1.0, 2.0], [0.0, 2.0, 4.0])
    made = estimate(start, {"x": _Line("x", speed=2.0, position=0.0), "y": SimMotor("y", speed=0.5)},
                    TimingHistory(tmp_path))
    # x flies 4 per line at 2/s (and returns 4 between lines), y steps 2 at 0.5/s; each of the 3
    # lines adds its run-up and run-down; the detectors count while x moves: no collection on top.
    assert made.fly and made.collection_s == 0.0
    assert made.motion_s == pytest.approx((12 + 8) / 2.0 + 2 / 0.5 + 3 * 1.0)
    # its overhead is per line: 3 lines, not 9 points
    assert made.overhead_s == pytest.approx(3 * DEFAULT_OVERHEAD_PER_POINT + DEFAULT_FIXED_OVERHEAD)


def test_an_accelerating_motor_pays_its_acceleration_on_every_move():
    from gda_bridge.devices.flying import move_seconds

    assert move_seconds(2.0, 1.0, 0.5) == pytest.approx(2.0 + 0.5)  # a trapezoid: d / v + ACCL
    assert move_seconds(0.1, 1.0, 0.5) == pytest.approx(2 * (0.1 * 0.5 / 1.0) ** 0.5)  # a triangle
    assert move_seconds(1.0, None, 0.5) == 0.0

    class Accelerating(SimMotor):
        def estimate_move_seconds(self, distance, speed=None):  # noqa: ANN001, ANN201
            return move_seconds(distance, speed or self.speed, 0.5)

    start = grid_start([0.0], [0.0, 2.0, 4.0])
    # from 0: two moves of 2 at 1/s, each 2 s + 0.5 s accelerating and braking
    assert motion_seconds(start, {"x": Accelerating("x", speed=1.0, position=0.0),
                                  "y": SimMotor("y", position=0.0)}) == pytest.approx(2 * 2.5)


def test_a_new_kind_learns_from_the_kind_sharing_most_devices(tmp_path):
    history = TimingHistory(tmp_path)
    for _ in range(3):
        history.record("s:m1 d:counter", 10, per_point_s=0.02, fixed_s=0.1, warm=True)
        history.record("s:x d:det", 10, per_point_s=0.001, fixed_s=0.03, warm=True)
        history.record("fly s:m3 d:mcs", 1, per_point_s=0.2, fixed_s=0.05, warm=True)
    # m2 with the counter is more like m1 with the counter than like the simulated pair
    assert history.overhead("s:m2 d:counter", 10, warm=True) == (pytest.approx(10 * 0.02 + 0.1), 0)
    # a fly scan learns from fly scans: per line
    assert history.overhead("fly s:m1 s:m3 d:mcs", 3, warm=True) == (pytest.approx(3 * 0.2 + 0.05), 0)
    # the first scan of a kind in a process learns from the warm scans until such firsts are known
    assert history.overhead("s:m2 d:counter", 10, warm=FIRST_OF_KIND) == (pytest.approx(10 * 0.02 + 0.1), 0)


def test_one_slow_scan_of_a_kind_is_pooled_with_the_kinds_like_it(tmp_path):
    history = TimingHistory(tmp_path)
    for _ in range(2):
        history.record("s:m1 d:counter", 10, per_point_s=0.004, fixed_s=0.05, warm=True)
    history.record("s:m2 d:counter", 10, per_point_s=0.1, fixed_s=1.0, warm=True)  # the machine was busy
    assert history.overhead("s:m2 d:counter", 10, warm=True) == (pytest.approx(10 * 0.004 + 0.05), 1)


def test_a_first_scan_with_no_history_pays_for_the_process_warming_up(tmp_path):
    history = TimingHistory(tmp_path)
    assert history.overhead("s:x d:det", 10, warm=COLD)[0] == pytest.approx(
        10 * DEFAULT_OVERHEAD_PER_POINT + DEFAULT_COLD_FIXED_OVERHEAD)


def test_points_slowed_by_a_process_warming_up_are_not_taken_for_a_warm_scans(tmp_path):
    history = TimingHistory(tmp_path)
    history.record("s:m1 d:counter", 21, per_point_s=0.03, fixed_s=1.3, warm=COLD)
    assert history.overhead("s:x d:det", 10, warm=FIRST_OF_KIND)[0] == pytest.approx(
        10 * DEFAULT_OVERHEAD_PER_POINT + DEFAULT_FIXED_OVERHEAD)
    assert history.overhead("s:x d:det", 10, warm=COLD)[0] == pytest.approx(10 * 0.03 + 1.3)


def test_the_first_move_is_not_taken_for_part_of_every_points_time(tmp_path):
    from gda_bridge.scans.estimate import estimate, learn

    start = grid_start([0.0], [round(0.1 * i, 1) for i in range(10)])
    history = TimingHistory(tmp_path)
    # x is 10 away at 1/s: a 10 s move before the first point, then 0.1 s moves between points
    made = estimate(start, {"x": SimMotor("x", speed=1.0, position=10.0), "y": SimMotor("y", position=0.0)},
                    history)
    assert made.first_move_s == pytest.approx(10.0)
    steady = 0.1 + 0.1 + 0.02  # a point: its move, its collection, 0.02 s of overhead
    learn(start, made, made.motion_s + made.collection_s + 10 * 0.02 + 0.3, steady, 10, history)
    (row,) = json.loads((tmp_path / ".scan_timing.json").read_text())["s:y s:x d:det"]
    assert row[1] == pytest.approx(0.02) and row[2] == pytest.approx(0.3)
