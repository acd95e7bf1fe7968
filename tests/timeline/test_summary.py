"""The summary's numbers on timelines built by hand, where every number can be worked out on paper."""

from __future__ import annotations

import numpy as np
import pytest

from gda_bridge.core.timeline import PHASES, Timeline
from gda_bridge.timeline import busy_ns, summarise, text_lines

LANES = ("x", "det", "det2", "points", "scan thread", "writer thread")
KINDS = ("scannable", "detector", "detector", "points", "thread", "thread")
X, DET, DET2, POINTS, SCAN, WRITER = range(6)
P = {name: i for i, name in enumerate(PHASES)}


def timeline(rows: list[tuple[int, int, str, int, int]], lanes=LANES, kinds=KINDS) -> Timeline:
    """Rows of (point, lane, phase, start, end), times in ns since the origin."""
    point, lane, phase, start, end = zip(*rows, strict=True)
    return Timeline.empty(lanes, kinds, origin=10**12).with_intervals(
        np.array(point), np.array(lane), np.array([P[p] for p in phase]), np.array(start), np.array(end))


# Two points. Point 0: x moves 0-10, det and det2 collect 10-30 and 15-35 (overlapping), det reads
# out 35-40. Point 1 is taken twice (a suspension): 50-60 and 70-100, its move 70-80, det collects
# 80-90. The scan thread's own start -5-0 and end 100-105; the writer writes 40-45 and 100-102.
ROWS = [
    (-1, SCAN, "scan start", -5, 0),
    (0, POINTS, "point", 0, 40), (0, X, "move", 0, 10), (0, DET, "collect", 10, 30),
    (0, DET2, "collect", 15, 35), (0, DET, "readout", 35, 40), (0, WRITER, "write", 40, 45),
    (1, POINTS, "point", 50, 60), (1, POINTS, "point", 70, 100), (1, X, "move", 70, 80),
    (1, DET, "collect", 80, 90), (1, WRITER, "write", 100, 102),
    (-1, SCAN, "scan end", 100, 105),
]


@pytest.mark.parametrize(("intervals", "expected"), [
    ([], 0),
    ([(0, 10)], 10),
    ([(0, 10), (20, 25)], 15),          # apart
    ([(0, 10), (5, 15)], 15),           # overlapping
    ([(0, 30), (5, 10), (12, 20)], 30),  # inside another
    ([(0, 10), (10, 20)], 20),          # touching
    ([(20, 25), (0, 10), (8, 21)], 25),  # not in order
])
def test_busy_time_counts_time_covered_by_several_intervals_once(intervals, expected):
    start = np.array([s for s, _ in intervals], dtype=np.int64)
    end = np.array([e for _, e in intervals], dtype=np.int64)
    assert busy_ns(start, end) == expected


def test_duration_is_first_start_to_last_end():
    s = summarise(timeline(ROWS))
    assert (s.start_ns, s.duration_ns) == (-5, 110)
    assert (s.points, s.intervals) == (2, len(ROWS))


def test_collect_is_counted_once_where_two_detectors_collect_together():
    s = summarise(timeline(ROWS))
    collect = s.phase("collect")
    assert (collect.count, collect.total_ns, collect.busy_ns) == (3, 20 + 20 + 10, 25 + 10)
    assert collect.fraction == pytest.approx(35 / 110)


def test_dead_time_is_the_duration_in_which_no_detector_collects():
    s = summarise(timeline(ROWS))
    assert s.collecting_ns == 35  # 10-35 and 80-90
    assert s.dead_ns == 110 - 35
    assert s.dead_fraction == pytest.approx(75 / 110)


def test_a_collect_on_a_lane_that_is_not_a_detector_is_not_collecting():
    rows = [(0, X, "collect", 0, 10), (0, POINTS, "point", 0, 20), (0, DET, "collect", 10, 15)]
    s = summarise(timeline(rows))
    assert (s.collecting_ns, s.dead_ns) == (5, 15)


def test_a_scan_without_detectors_is_dead_time_throughout():
    s = summarise(timeline([(0, 0, "move", 0, 10), (0, 1, "point", 0, 12)], lanes=("x", "points"),
                           kinds=("scannable", "points")))
    assert (s.collecting_ns, s.dead_ns, s.dead_fraction) == (0, 12, 1.0)


def test_phases_come_busiest_first():
    s = summarise(timeline(ROWS))
    names = [p.name for p in s.phases]
    assert names[:3] == ["point", "collect", "move"]  # 80, 35, 20
    assert s.phase("move").busy_ns == 20
    assert s.phase("scan end").busy_ns == 5
    assert s.phase("flush") is None  # not in the timeline


def test_lanes_keep_the_files_order_with_their_busy_time_and_phases():
    s = summarise(timeline(ROWS))
    assert [lane.name for lane in s.lanes] == list(LANES)
    det = s.lane("det")
    assert (det.kind, det.count, det.busy_ns) == ("detector", 3, 20 + 5 + 10)
    assert det.phases == (("collect", 30), ("readout", 5))
    assert det.fraction == pytest.approx(35 / 110)
    assert s.lane("scan thread").phases == (("scan end", 5), ("scan start", 5))
    assert s.lane("det2").busy_ns == 20


def test_the_slowest_points_add_up_every_take_and_break_down_by_phase():
    s = summarise(timeline(ROWS), slowest=5)
    assert [(p.point, p.duration_ns) for p in s.slowest] == [(0, 40), (1, 10 + 30)]  # a tie: by number
    one = s.slowest[1]
    assert one.phases == (("collect", 10), ("move", 10), ("write", 2))
    zero = s.slowest[0]
    assert dict(zero.phases) == {"collect": 25, "move": 10, "readout": 5, "write": 5}
    assert all(p.point >= 0 for p in s.slowest)  # the scan's own phases are no point


def test_a_flush_is_not_counted_in_the_point_it_made_readable():
    rows = ROWS + [(1, WRITER, "flush", 102, 110)]
    slow = {p.point: dict(p.phases) for p in summarise(timeline(rows)).slowest}
    assert "flush" not in slow[1] and slow[1]["write"] == 2


def test_only_as_many_slow_points_as_asked():
    rows = [(p, POINTS, "point", 10 * p, 10 * p + p + 1) for p in range(20)]
    s = summarise(timeline(rows), slowest=3)
    assert [p.point for p in s.slowest] == [19, 18, 17]


def test_the_text_summary_names_the_top_phases_and_the_dead_time():
    ms = 1_000_000
    lines = text_lines(summarise(timeline([(p, lane, ph, a * ms, b * ms) for p, lane, ph, a, b in ROWS])))
    assert 3 <= len(lines) <= 5
    assert lines[0] == ("2 points, 13 intervals, 110.0 ms; "
                        "the slowest point: 0 (40.0 ms, most of it collect (25.0 ms))")
    assert [line.split(":")[0].strip() for line in lines[1:4]] == ["collect", "move", "write"]
    assert lines[1] == "  collect: 35.0 ms (32% of the scan, 3 intervals)"
    assert lines[-1] == "  dead time (no detector collecting): 75.0 ms (68% of the scan)"
