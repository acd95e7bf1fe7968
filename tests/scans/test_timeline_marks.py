"""Every scan's file has its timeline (docs/timeline.md): each phase of each point, read back with
plain h5py as a reader without gda-bridge would."""

from __future__ import annotations

import h5py
import numpy as np
import pytest

from gda_bridge.commands import scan
from gda_bridge.core.errors import DeviceError
from gda_bridge.devices.sim import GaussianCounter, SimMotor
from gda_bridge.nexus import NexusWriter

SPEED = 50.0  # units/s: a step of 1 takes 20 ms
COLLECT_S = 0.01


@pytest.fixture
def files(ctx, data_dir):
    writer = NexusWriter(data_dir, "t")
    ctx.stream.subscribe(writer, critical=True)
    return lambda: h5py.File(writer.path, "r")


def intervals(f: h5py.File) -> list[tuple[int, str, str, float, float]]:
    """(point, lane, phase, start s, end s) of every row, as a reader of the layout would get them."""
    t = f["entry1/timeline"]
    lanes = [s.decode() for s in t["lane_names"][()]]
    phases = [s.decode() for s in t["phase_names"][()]]
    return [(int(p), lanes[lane], phases[ph], s / 1e9, e / 1e9)
            for p, lane, ph, s, e in zip(t["point"][()], t["lane"][()], t["phase"][()], t["start"][()], t["end"][()],
                                         strict=True)]


def one(rows, point, lane, phase):
    found = [r for r in rows if r[:3] == (point, lane, phase)]
    assert len(found) == 1, f"{lane} {phase} at point {point}: {found}"
    return found[0]


def test_every_point_of_a_step_scan_has_its_phases_in_order_in_the_file(files):
    x = SimMotor("x", speed=SPEED)
    det = GaussianCounter("det", x)
    scan(x, 0, 3, 1, det, COLLECT_S)
    with files() as f:
        t = f["entry1/timeline"]
        assert t.attrs["clock"] == "CLOCK_MONOTONIC" and t.attrs["units"] == "ns"
        assert [s.decode() for s in t["lane_names"][()]] == ["x", "det", "points", "scan thread", "writer thread"]
        assert [s.decode() for s in t["lane_kinds"][()]] == ["scannable", "detector", "points", "thread", "thread"]
        assert np.all(np.diff(t["start"][()]) >= 0), "rows are ordered by start"
        rows = intervals(f)
        duration_s = f["entry1/duration"][()] / 1000
    assert all(0 <= s <= e for *_, s, e in rows)
    assert max(e for *_, e in rows) <= duration_s + 0.01, "inside the scan"
    for p in range(4):
        point = one(rows, p, "points", "point")
        move = one(rows, p, "x", "move")
        collect = one(rows, p, "det", "collect")
        readout = one(rows, p, "det", "readout")
        documents = one(rows, p, "scan thread", "documents")
        write = one(rows, p, "writer thread", "write")
        assert point[3] <= move[3] <= move[4] <= collect[3] <= collect[4] <= readout[3] <= documents[3]
        assert documents[4] == pytest.approx(point[4]) and write[3] >= documents[3]
        assert collect[4] - collect[3] >= COLLECT_S, "a collection lasts its collection time"
        if p > 0:
            assert move[4] - move[3] >= 1 / SPEED, "a move of 1 at 50/s lasts 20 ms"
    flushes = [r for r in rows if r[2] == "flush"]
    assert flushes and flushes[-1][0] == 3, "the last flush made the last point readable"
    assert {r[2] for r in rows if r[0] == -1} >= {"scan start", "scan end"}


def test_a_failed_scan_keeps_the_timeline_of_the_points_it_took(files):
    x = SimMotor("x")

    class Failing(GaussianCounter):
        def readout(self):
            if x.getPosition() >= 2:
                raise DeviceError("det: readout timed out")
            return super().readout()

    with pytest.raises(DeviceError):
        scan(x, 0, 4, 1, Failing("det", x), 0.0)
    with files() as f:
        rows = intervals(f)
        assert f["entry1/scan_status"][()] == b"COMPLETED_AFTER_FAILURE"
    assert sorted({r[0] for r in rows if r[2] == "write"}) == [0, 1]
    assert [r[0] for r in rows if r[1:3] == ("det", "collect")] == [0, 1, 2], "the failed point's collection too"


def test_with_the_timeline_off_the_group_is_there_and_empty(ctx, files):
    ctx.timeline = False
    try:
        x = SimMotor("x")
        scan(x, 0, 2, 1, GaussianCounter("det", x), 0.0)
    finally:
        ctx.timeline = True
    with files() as f:
        assert f["entry1/timeline/point"].shape == (0,)
