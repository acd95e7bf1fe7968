"""Per-point overhead of a step scan of an instant soft motor and an instant soft counter.

Compares, in one run: (a) Java dummy devices of the core, (b) Python devices (ScannableMotionBase /
DetectorBase subclasses), both through gda-bridge's Java engine with the document stream, and
(c) bluesky's RunEngine ``scan([det], motor, ...)`` with ophyd.sim devices (``pip install -e .[bench]``).
Each of (a) and (b) runs with the scan's timeline (docs/timeline.md) on, as every scan does, and
off, alternately, so the marks' cost per point is measured in the same run.
Prints JSON: microseconds per point for each.
"""

from __future__ import annotations

import argparse
import json
import os
import time

os.environ.setdefault("GDA_BRIDGE_JVM_HEAP", "512m")

from gda_bridge.devices import DetectorBase, ScannableMotionBase  # noqa: E402
from gda_bridge.scans.context import context  # noqa: E402
from gda_bridge.scans.runner import run_scan  # noqa: E402


class SoftMotor(ScannableMotionBase):
    def __init__(self, name):
        self.name = name
        self.inputNames = [name]
        self._p = 0.0

    def rawGetPosition(self):
        return self._p

    def rawAsynchronousMoveTo(self, p):
        self._p = p

    def isBusy(self):
        return False


class SoftDetector(DetectorBase):
    def __init__(self, name):
        self.name = name
        self._n = 0

    def collectData(self):
        self._n += 1

    def readout(self):
        return float(self._n)


def _per_point(run, npoints: int, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        run(npoints)
        best = min(best, time.perf_counter() - t0)
    return best / npoints * 1e6


def bench_gda(motor, det, npoints: int, repeats: int) -> tuple[float, float]:
    """Per point with the timeline on, and off (best of ``repeats`` each, taken alternately)."""
    ctx = context()
    ctx.show_table = False  # bluesky runs without a table too; documents are still built
    ctx.default_session = None  # the engine alone: no file, no analysis (as bluesky here)

    def run(n):
        result = run_scan([motor, 0.0, float(n - 1), 1.0, det])
        assert result.num_points == n

    run(100)
    best = {True: float("inf"), False: float("inf")}
    for _ in range(repeats):
        for on in (True, False):
            ctx.timeline = on
            best[on] = min(best[on], _per_point(run, npoints, 1))
    ctx.timeline = True
    return best[True], best[False]


def bench_bluesky(npoints: int, repeats: int) -> float | None:
    try:
        from bluesky import RunEngine
        from bluesky.plans import scan
        from ophyd.sim import det, motor
    except ImportError:
        return None
    engine = RunEngine({})
    count = {"n": 0}
    engine.subscribe(lambda name, doc: count.__setitem__("n", count["n"] + (name == "event")))

    def run(n):
        engine(scan([det], motor, 0, n - 1, n))

    run(20)
    return _per_point(run, npoints, repeats)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--points", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-bluesky", action="store_true")
    args = parser.parse_args()

    from gda_bridge.devices.java import java_sim_counter, java_sim_motor

    jmotor = java_sim_motor("jx", speed=0)
    jdet = java_sim_counter("jdet", jmotor, collection_time=0.0)
    pmotor, pdet = SoftMotor("px"), SoftDetector("pdet")
    report: dict = {"unit": "microseconds per point (best of repeats)", "results": {}}
    for n in args.points:
        java_on, java_off = bench_gda(jmotor, jdet, n, args.repeats)
        python_on, python_off = bench_gda(pmotor, pdet, n, args.repeats)
        row = {
            "java_dummy_devices": round(java_on, 2),
            "python_devices": round(python_on, 2),
            "java_dummy_devices_timeline_off": round(java_off, 2),
            "python_devices_timeline_off": round(python_off, 2),
            "timeline_cost_java_dummy": round(java_on - java_off, 2),
            "timeline_cost_python_devices": round(python_on - python_off, 2),
        }
        if not args.no_bluesky:
            bluesky = bench_bluesky(n, max(1, args.repeats - 2) if n > 2000 else args.repeats)
            if bluesky is not None:
                row["bluesky_runengine_ophyd_sim"] = round(bluesky, 2)
                row["python_devices_fraction_of_bluesky"] = round(row["python_devices"] / bluesky, 4)
                row["java_dummy_fraction_of_bluesky"] = round(row["java_dummy_devices"] / bluesky, 4)
        report["results"][str(n)] = row
    report["goals"] = {"python_devices_fraction_of_bluesky": "<= 0.1", "java_dummy_fraction_of_bluesky": "<= 0.02",
                       "timeline_cost_java_dummy": "<= 2", "timeline_cost_python_devices": "<= 2"}
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
