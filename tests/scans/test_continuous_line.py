"""A continuous line and a buffered detector written in Python, run by the Java engine through
the bridge: one point per bin in the documents and the file, laid out as a step scan's."""

from __future__ import annotations

import threading

import h5py
import numpy as np
import pytest

from gda_bridge.commands import scan
from gda_bridge.devices import DetectorBase, ScannableBase
from gda_bridge.devices.sim import SimMotor
from gda_bridge.nexus import NexusWriter

OFFSET = 0.0004  # where the fake encoder captures each trigger, past its demand


class Line(ScannableBase):
    """Captures every bin when started, ``OFFSET`` past its demand (unless told to stall)."""

    def __init__(self, name: str, stall_after: int | None = None) -> None:
        super().__init__(name)
        self.inputNames = [name]
        self.stall_after = stall_after
        self.calls: list[str] = []
        self._demands: list[float] = []
        self._captured = 0
        self._changed = threading.Condition()
        self._stopped = False
        self.waiting = threading.Event()

    def checkLineValid(self, demands, seconds):
        return None if max(demands) <= 10 else f"{self.name}: {max(demands)} is above the upper limit 10"

    def prepareLine(self, demands, seconds):
        self.calls.append("prepare")
        self._demands, self._captured, self._stopped = list(demands), 0, False

    def startLine(self):
        self.calls.append("start")
        with self._changed:
            n = len(self._demands)
            self._captured = n if self.stall_after is None else min(n, self.stall_after)

    def waitForBins(self, wanted):
        with self._changed:
            self.waiting.set()
            while self._captured < wanted and not self._stopped:
                self._changed.wait(5.0)
            return self._captured

    def getBinsCaptured(self):
        return self._captured

    def readBins(self, start, end):
        return [d + OFFSET for d in self._demands[start:end]]

    def completeLine(self):
        self.calls.append("complete")

    def stop(self):
        self.calls.append("stop")
        with self._changed:
            self._stopped = True
            self._changed.notify_all()

    def rawGetPosition(self):
        return self._demands[self._captured - 1] if self._captured else 0.0

    def rawAsynchronousMoveTo(self, position):
        raise AssertionError("a line is never stepped")


class Counts(DetectorBase):
    """Two channels per bin: the bin's index and a peak at bin 3."""

    def __init__(self, name: str, line: Line) -> None:
        super().__init__(name)
        self.extraNames = ["index", "det"]
        self.outputFormat = ["%d", "%.1f"]
        self.line = line

    def prepareForLine(self, frames, seconds):
        self.frames = frames

    def waitForFrames(self, wanted):
        return min(wanted, self.line.getBinsCaptured())

    def getFramesReadable(self):
        return self.line.getBinsCaptured()

    def readFrames(self, start, end):
        return [[k, 1000.0 * np.exp(-((k - 3) ** 2))] for k in range(start, end)]

    def collectData(self):
        raise AssertionError("a buffered detector is not triggered per point")

    def readout(self):
        raise AssertionError("a buffered detector is read by frames")


@pytest.fixture
def files(ctx, data_dir):
    writer = NexusWriter(data_dir, "t")
    ctx.stream.subscribe(writer, critical=True)
    return lambda: h5py.File(writer.path, "r")


def test_one_point_per_bin_with_the_captured_position_beside_the_demand(files):
    line = Line("sx")
    s = scan(line, 0, 1, 0.125, Counts("mcs", line), 0.01)
    assert s.status == "COMPLETED_OKAY"
    demands = np.arange(9) * 0.125
    np.testing.assert_allclose(s["sx"], demands + OFFSET)
    assert s["det"].argmax() == 3
    assert line.calls == ["prepare", "start", "complete"]
    with files() as f:
        inst = f["entry1/instrument"]
        np.testing.assert_allclose(inst["sx/sx_set"][()], demands)
        np.testing.assert_allclose(inst["sx/sx"][()], demands + OFFSET)
        assert inst["mcs/det"].shape == (9,)
        assert f["entry1/measurement"].attrs["signal"] in ("index", "det")


def test_an_outer_stepped_dimension_gives_a_grid_of_lines(files):
    y, line = SimMotor("y"), Line("sx")
    s = scan(y, 0, 1, 0.5, line, 0, 1, 0.25, Counts("mcs", line), 0.01)
    assert s.status == "COMPLETED_OKAY"
    assert line.calls.count("start") == 3
    with files() as f:
        inst = f["entry1/instrument"]
        assert inst["sx/sx"].shape == (3, 5)
        np.testing.assert_allclose(inst["y/y"][()][:, 0], [0, 0.5, 1])
        np.testing.assert_allclose(inst["sx/sx"][2], np.arange(5) * 0.25 + OFFSET)


def test_a_line_beyond_the_limit_is_refused_before_it_is_prepared():
    line = Line("sx")
    with pytest.raises(Exception, match="sx: 12.0 is above the upper limit 10"):
        scan(line, 0, 12, 1, Counts("mcs", line), 0.01)
    assert line.calls == []


def test_a_line_stopped_from_another_thread_keeps_its_bins_in_the_file(ctx, files):
    line = Line("sx", stall_after=4)
    done: list = []
    runner = threading.Thread(target=lambda: done.append(scan(line, 0, 9, 1, Counts("mcs", line), 0.01)))
    runner.start()
    assert line.waiting.wait(10)
    ctx.running.request_finish_early()
    runner.join(10)
    assert done and done[0].status == "COMPLETED_EARLY"
    with files() as f:
        np.testing.assert_allclose(f["entry1/instrument/sx/sx"][()][:4], np.arange(4) + OFFSET)


def test_each_line_of_a_grid_has_its_preparation_motion_and_readback_in_the_timeline(files):
    y = SimMotor("y")
    line = Line("sx")
    scan(y, 0, 1, 1, line, 0, 1, 0.25, Counts("mcs", line), 0.01)
    with files() as f:
        t = f["entry1/timeline"]
        lanes = [s.decode() for s in t["lane_names"][()]]
        phases = [s.decode() for s in t["phase_names"][()]]
        rows = [(int(p), lanes[lane], phases[ph], int(s), int(e)) for p, lane, ph, s, e in
                zip(t["point"][()], t["lane"][()], t["phase"][()], t["start"][()], t["end"][()], strict=True)]
    for first in (0, 5):  # each line is marked as its first point
        of_line = {(lane, phase): (s, e) for p, lane, phase, s, e in rows if p == first}
        prepare, motion, readback = (of_line["sx", k] for k in ("prepare", "motion", "readback"))
        assert prepare[1] <= motion[0] <= motion[1] <= readback[0]
        assert of_line["mcs", "collect"][0] == motion[0] and ("mcs", "readout") in of_line
    assert [r[0] for r in rows if r[1:3] == ("y", "move")] == [0, 5]
    assert sorted(r[0] for r in rows if r[2] == "documents") == list(range(10)), "one per bin"
