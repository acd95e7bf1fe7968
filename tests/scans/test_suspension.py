"""Suspenders on plain Python devices: the engine holds before the next point, retakes a spoiled
point, and abort / finish-early / Ctrl-C still end a held scan."""

from __future__ import annotations

import os
import signal
import threading
import time

import numpy as np
import pytest

from gda_bridge.commands import scan
from gda_bridge.commands import session as cmd
from gda_bridge.core.documents import ScanPoint, ScanResumed, ScanStatus, ScanSuspended
from gda_bridge.core.errors import ScanAbortedError
from gda_bridge.core.suspenders import Suspender, Threshold
from gda_bridge.devices import DetectorBase
from gda_bridge.devices.sim import SimMotor
from gda_bridge.scans.suspension import install_suspender


class BeamCounter(DetectorBase):
    """Counts 100 with beam, 0 without; trips ``beam`` during its ``trip_at``-th collection."""

    def __init__(self, beam: Suspender, trip_at: int | None = None) -> None:
        super().__init__("counts")
        self.inputNames, self.extraNames, self.outputFormat = [], [], ["%5.1f"]
        self.beam, self.trip_at, self.collections = beam, trip_at, 0
        self._value = 0.0

    def collectData(self) -> None:
        self.collections += 1
        if self.collections == self.trip_at:
            self.beam.trip("beam lost")
        self._value = 0.0 if self.beam.holding else 100.0

    def readout(self) -> float:
        return self._value

    def getStatus(self) -> int:
        return self.IDLE


def test_a_point_spoiled_during_collection_is_retaken_once_the_beam_is_back(ctx, documents):  # noqa: ANN001
    beam = install_suspender(Suspender("beam", resume_after=0.05), ctx)
    counter = BeamCounter(beam, trip_at=3)
    x = SimMotor("x", speed=1000.0)

    def restore(doc: object) -> None:
        if isinstance(doc, ScanSuspended):
            threading.Thread(target=beam.clear).start()

    ctx.stream.subscribe(restore)
    s = scan(x, 0, 4, 1, counter)
    assert s.status is ScanStatus.COMPLETED_OKAY
    np.testing.assert_array_equal(s["counts"], [100.0] * 5)  # the spoiled 0 is not among them
    np.testing.assert_array_equal(s["x"], [0, 1, 2, 3, 4])
    assert counter.collections == 6
    assert [(r.index, r.reason) for r in s.suspensions] == [(2, "beam lost")]
    order = [(type(d).__name__, getattr(d, "index", None)) for d in documents[1:-1]]
    assert order == [("ScanPoint", 0), ("ScanPoint", 1), ("ScanSuspended", 2), ("ScanResumed", 2),
                     ("ScanPoint", 2), ("ScanPoint", 3), ("ScanPoint", 4)]


def test_a_suspension_before_the_scan_holds_its_first_point(ctx, documents):  # noqa: ANN001
    beam = install_suspender(Suspender("beam"), ctx)
    beam.trip("shutter is Closed")
    threading.Timer(0.1, beam.clear).start()
    s = scan(SimMotor("x", speed=1000.0), 0, 1, 1)
    assert s.status is ScanStatus.COMPLETED_OKAY and s.num_points == 2
    assert [(r.index, r.reason) for r in s.suspensions] == [(0, "shutter is Closed")]
    assert s.suspensions[0].end - s.suspensions[0].start >= 0.09


def test_abort_ends_a_held_scan_and_stops_its_motors(ctx, documents):  # noqa: ANN001
    beam = install_suspender(Suspender("beam"), ctx)
    x = SimMotor("x", speed=1000.0)

    def control(doc: object) -> None:
        if isinstance(doc, ScanPoint) and doc.index == 1:
            beam.trip("beam lost")
        elif isinstance(doc, ScanSuspended):
            threading.Thread(target=cmd.abort).start()

    ctx.stream.subscribe(control)
    with pytest.raises(ScanAbortedError):
        scan(x, 0, 4, 1)
    stop = documents[-1]
    assert stop.status is ScanStatus.COMPLETED_AFTER_STOP and stop.num_points == 2
    assert not x.isBusy() and x() == 1.0
    assert ctx.last_result.suspensions[0].end is not None  # closed with the scan


def test_finish_early_ends_a_held_scan(ctx, documents):  # noqa: ANN001
    beam = install_suspender(Suspender("beam"), ctx)

    def control(doc: object) -> None:
        if isinstance(doc, ScanPoint) and doc.index == 1:
            beam.trip("beam lost")
        elif isinstance(doc, ScanSuspended):
            threading.Thread(target=cmd.finish_early).start()

    ctx.stream.subscribe(control)
    s = scan(SimMotor("x", speed=1000.0), 0, 4, 1)
    assert s.status is ScanStatus.COMPLETED_EARLY and s.num_points == 2
    assert not any(isinstance(d, ScanResumed) for d in documents)


def test_ctrl_c_ends_a_held_scan(ctx, documents):  # noqa: ANN001
    beam = install_suspender(Suspender("beam"), ctx)

    def control(doc: object) -> None:
        if isinstance(doc, ScanPoint) and doc.index == 0:
            beam.trip("beam lost")
        elif isinstance(doc, ScanSuspended):
            threading.Timer(0.05, os.kill, (os.getpid(), signal.SIGINT)).start()

    ctx.stream.subscribe(control)
    backstop = threading.Timer(20, beam.clear)  # a Ctrl-C that never arrives fails, not hangs
    backstop.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            scan(SimMotor("x", speed=1000.0), 0, 4, 1)
    finally:
        backstop.cancel()
    assert documents[-1].status is ScanStatus.COMPLETED_AFTER_STOP


def test_settle_time_restarts_when_the_condition_goes_bad_again():
    seen: list[bool] = []
    s = Suspender("beam", resume_after=0.2)
    released = threading.Event()
    s.subscribe(lambda sus: (seen.append(sus.holding), released.set() if not sus.holding else None))
    s.trip("beam lost")
    s.clear()
    s.trip("beam lost")  # within the settle time: still holding, no release
    start = time.monotonic()
    s.clear()
    assert released.wait(5)
    assert time.monotonic() - start >= 0.19 and seen == [True, False]


@pytest.mark.parametrize(("threshold", "value", "problem"), [
    (Threshold(below=10), 0.2, "ring 0.2 < 10 mA"),
    (Threshold(below=10), 300, None),
    (Threshold(above=5), 7.5, "ring 7.5 > 5 mA"),
    (Threshold(equals="Closed"), "Closed", "ring is Closed"),
    (Threshold(equals="Closed"), "Open", None),
    (Threshold(not_equals=1), 0, "ring is 0, not 1"),
    (Threshold(below=10), "n/a", "ring is 'n/a', not a number"),
])
def test_threshold_problems_read_as_a_user_would_say_them(threshold, value, problem):
    assert threshold.problem("ring", value, "mA") == problem


def test_a_threshold_needs_exactly_one_condition():
    with pytest.raises(ValueError, match="exactly one of below, above, equals, not_equals"):
        Threshold()
    with pytest.raises(ValueError, match=r"\(got below, above\)"):
        Threshold(below=1, above=2)
