"""Fly scans against the equivalent step scan on the simulated beamline, at 1,000 and 10,000 points.

Starts the simulated IOC and, over the same range of its motor m1, runs for each point count:
(a) ``cvscan m1`` with the multi-channel scaler triggered by the Zebra-like box, (b) ``flyscan
m1`` with the scaler record collected as the readback passes each demand, (c) the step ``scan
m1`` with the scaler. One run each. Prints JSON: wall time and points per second of each, and how
far each recorded position is from where the motor really was at the trigger:

* cvscan: the box fires when the motor crosses each demand (the simulator computes the exact
  crossing), so the truth at the trigger is the demand; the recorded position is the encoder's
  capture, in counts of MRES;
* flyscan: the truth is where the motor was when the detector started counting: the box is armed
  on the same demands during the flyscan only to record the motor's exact (time, position) at
  each crossing, and the truth at each collection start (taken by the detector) is interpolated
  between them; the recorded position is the readback the fly scannable captured;
* step scan: the motor is at rest at the trigger, so its readback is the truth; shown is how
  far it settled from the demand (within the deadband).

``points_per_s`` counts from the scan's start document to its stop document (what the engine,
the motion and the file take); ``wall_s`` adds the command's checks and the post-scan analysis.
Goal (issue 16): cvscan >= 1,000 points/s and >= 50x the step scan at 10,000 points, positions
within one encoder count. Run from the repository root:
``PYTHONPATH=. python scripts/benchmarks/bench_fly_scan.py [--points 1000 10000]``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from gda_bridge.sim_ioc import start_ioc  # noqa: E402  (no pyepics import: env first)

RANGE = 2.0  # mm of m1, the same for every scan
MRES = 1e-5
CV_EXPOSURE = 0.0001  # s per point of the cvscan (10 kHz triggers; the MCS bins and the box take MHz)
STEP_EXPOSURE = 0.0005  # the scaler's count per point in the flyscan and the step scan
FLY_DEAD_TIME = 0.01  # the scaler record's readout, between two counts of a flyscan


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--points", type=int, nargs="+", default=[1000, 10000])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["GDA_BRIDGE_DATA_DIR"] = tmp
        ioc = start_ioc(args=("--frame-size", "8x8", "--velocity", "5"))
        os.environ.update(ioc.env)
        try:
            with contextlib.redirect_stdout(sys.stderr):  # scan tables; stdout is the JSON
                rows = [run_all(ioc, n) for n in args.points]
        finally:
            ioc.stop()
    result = {"benchmark": "fly_scan", "range_mm": RANGE, "encoder_count_mm": MRES, "runs": rows,
              "cpus": os.cpu_count(), "load_average": [round(x, 2) for x in os.getloadavg()]}
    json.dump(result, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


_times: dict[str, float] = {}


def _summary(name: str, points: int, seconds: float, errors: np.ndarray, status: str, error_is: str) -> dict:
    errors = np.abs(np.asarray(errors, dtype=float))
    scan_s = _times["ScanStop"] - _times["ScanStart"]
    return {"scan": name, "status": status, "points": points, "wall_s": round(seconds, 3),
            "scan_s": round(scan_s, 3), "points_per_s": round(points / scan_s, 1),
            "position_error_is": error_is, "max_position_error_mm": float(errors.max()),
            "max_position_error_counts": round(float(errors.max()) / MRES, 2),
            "median_position_error_mm": float(np.median(errors))}


def run_all(ioc, n: int) -> dict:  # noqa: ANN001
    from gda_bridge.commands import cvscan, flyscan, scan
    from gda_bridge.epics import EpicsMotor, EpicsScaler, McsDetector, PositionCompareBox
    from gda_bridge.scans.context import context
    from gda_bridge.session import Session

    class TimedScaler(EpicsScaler):
        """The scaler record, noting when each count starts (the flyscan's trigger)."""

        starts: list[float] = []

        def collectData(self) -> None:
            self.starts.append(time.time())
            super().collectData()

    from gda_bridge.core.documents import ScanStart, ScanStop

    session = Session()
    ctx = context()
    ctx.output = lambda line: None
    ctx.stream.subscribe(lambda doc: _times.__setitem__(type(doc).__name__, doc.time)
                         if isinstance(doc, (ScanStart, ScanStop)) else None)
    step = RANGE / (n - 1)
    m1 = EpicsMotor("m1", ioc.pv("m1"))
    box = PositionCompareBox("zebra", ioc.pv("ZEBRA:"), motor=m1)
    mcs = McsDetector("mcs", ioc.pv("MCS:"))
    counter = TimedScaler("counter", ioc.pv("scaler1"), channels=["det"])
    out = {"points": n, "step_mm": step}
    try:
        # the process's first scans pay for imports, the JVM and the analysis' first plot
        cvscan(m1, 0, 0.2, 0.02, mcs, 0.005)
        scan(m1, 0, 0.2, 0.1, counter, STEP_EXPOSURE)
        t0 = time.perf_counter()
        cv = cvscan(m1, 0, RANGE, step, mcs, CV_EXPOSURE)
        out["cvscan"] = _summary(cv.command, cv.num_points, time.perf_counter() - t0,
                                 cv["m1"] - step * np.arange(cv.num_points), cv.status,
                                 "encoder capture - exact crossing of the demand")

        counter.starts = []
        box.configure_line(start=0.0, step=step, n_points=n)
        m1.moveTo(-0.05)
        box.arm()
        armed_at = time.time()
        t0 = time.perf_counter()
        fly = flyscan(m1, 0, RANGE, step, counter, STEP_EXPOSURE, FLY_DEAD_TIME)
        wall = time.perf_counter() - t0
        box.wait_done(10)
        positions, times = box.captured()
        truth = np.interp(np.asarray(counter.starts[: fly.num_points]) - armed_at, times, positions)
        out["flyscan"] = _summary(fly.command, fly.num_points, wall, np.asarray(fly["m1"]) - truth, fly.status,
                                  "captured readback - exact position when the count started")

        counter.starts = []
        t0 = time.perf_counter()
        stepped = scan(m1, 0, RANGE, step, counter, STEP_EXPOSURE)
        wall = time.perf_counter() - t0
        out["step_scan"] = _summary(stepped.command, stepped.num_points, wall,
                                    np.asarray(stepped["m1"]) - step * np.arange(stepped.num_points), stepped.status,
                                    "readback at rest - demand (the motor is at rest at the trigger)")
        out["cvscan_speedup_over_step_scan"] = round(out["step_scan"]["wall_s"] / out["cvscan"]["wall_s"], 1)
    finally:
        for device in (m1, box, mcs, counter):
            device.close()
        session.close()
    return out


if __name__ == "__main__":
    sys.exit(main())
