"""Per-point cost of a 200-point EPICS step scan: raw pyepics vs bluesky+ophyd vs our drivers.

Starts the simulated IOC (pcaspy: EPICS base's C++ CA server) on a free loopback port, makes the
motor moves instantaneous (VELO huge) and the count short, then times, on the same IOC, for each
preset time TP (default 0.1 ms, where the count costs little next to the software, and 1 ms):

* ``raw_pyepics``: put VAL with wait, caget RBV, put CNT with wait, caget S2 (the floor);
* ``bluesky_ophyd``: ``RE(list_scan([EpicsScaler], EpicsMotor, ...))`` with no subscribers, in a
  child process (ophyd replaces pyepics' PV class, so it cannot share a process with plain PVs);
* ``gda_bridge_drivers``: our EpicsMotor / EpicsScaler in a plain loop (move, wait, read,
  collect, wait, readout), i.e. what the Java engine calls per point, minus the engine;
* ``gda_bridge_scan``: ``scan(m1, -1, 1, step, det, tp)`` run by the Java engine with the same
  drivers (skipped if the Java core jar is not built), table printing off.

Prints JSON (microseconds per point, median over the repeats, one entry per TP). Run from the
repository root:
``PYTHONPATH=. python scripts/benchmarks/bench_epics_scan.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from gda_bridge.sim_ioc import start_ioc  # noqa: E402  (no pyepics import: env first)


def positions(n: int) -> list[float]:
    return [-1.0 + 2.0 * i / (n - 1) for i in range(n)]


def time_per_point(run: Callable[[list[float]], None], n: int) -> float:
    xs = positions(n)
    start = time.perf_counter()
    run(xs)
    return (time.perf_counter() - start) / n * 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--tp", type=float, nargs="+", default=[0.0001, 0.001],
                        help="scaler preset times to measure at (s)")
    parser.add_argument("--skip-bluesky", action="store_true")
    parser.add_argument("--bluesky-child", metavar="PREFIX", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.bluesky_child:
        samples = bluesky_child(args.bluesky_child, args)
        json.dump(samples, sys.stdout)
        return 0

    ioc = start_ioc(args=("--frame-size", "8x8", "--velocity", "1e9"))
    os.environ.update(ioc.env)
    try:
        runs = [run_all(ioc, args, tp) for tp in args.tp]
    finally:
        ioc.stop()
    result = {
        "benchmark": "epics_step_scan",
        "points": args.points,
        "repeats": args.repeats,
        "runs": runs,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    json.dump(result, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


def run_all(ioc, args: argparse.Namespace, tp: float) -> dict:  # noqa: ANN001
    """Every contender at one preset time ``tp``, interleaved repeat by repeat."""
    import epics

    from gda_bridge.epics import EpicsMotor, EpicsScaler

    n = args.points
    val, rbv = epics.PV(ioc.pv("m1.VAL"), auto_monitor=False), epics.PV(ioc.pv("m1.RBV"), auto_monitor=False)
    cnt, s2 = epics.PV(ioc.pv("scaler1.CNT"), auto_monitor=False), epics.PV(ioc.pv("scaler1.S2"), auto_monitor=False)
    for pv in (val, rbv, cnt, s2):
        if not pv.wait_for_connection(5):
            raise SystemExit(f"{pv.pvname} did not connect")
    epics.caput(ioc.pv("scaler1.TP"), tp, wait=True)

    def raw(xs: list[float]) -> None:
        for x in xs:
            val.put(x, wait=True)
            rbv.get(use_monitor=False)
            cnt.put(1, wait=True)
            s2.get(use_monitor=False)

    motor = EpicsMotor("m1", ioc.pv("m1"))
    counter = EpicsScaler("det", ioc.pv("scaler1"), channels=["det"])
    counter.setCollectionTime(tp)

    def ours(xs: list[float]) -> None:
        for x in xs:
            motor.asynchronousMoveTo(x)
            motor.waitWhileBusy()
            motor.getPosition()
            counter.collectData()
            counter.waitWhileBusy()
            counter.readout()

    runners: dict[str, Callable[[list[float]], None]] = {"raw_pyepics": raw, "gda_bridge_drivers": ours}
    engine_scan = java_scan_runner(motor, counter, tp)
    if engine_scan is not None:
        runners["gda_bridge_scan"] = engine_scan
    samples: dict[str, list[float]] = {name: [] for name in runners}
    for run in runners.values():  # warm-up: connections, caches, first-call costs
        run(positions(10))
    for _ in range(args.repeats):
        for name, run in runners.items():
            samples[name].append(time_per_point(run, n))
    motor.close()  # no monitors of ours left for the IOC to serve while bluesky runs
    counter.close()
    for pv in (val, rbv, cnt, s2):
        pv.disconnect()
    if not args.skip_bluesky:
        child = subprocess.run(
            [sys.executable, __file__, "--bluesky-child", ioc.prefix, "--points", str(n),
             "--repeats", str(args.repeats), "--tp", str(tp)],
            capture_output=True, text=True, check=True, env=dict(os.environ))
        samples["bluesky_ophyd"] = json.loads(child.stdout)

    us = {name: round(statistics.median(v), 1) for name, v in samples.items()}
    result = {
        "scaler_tp_s": tp,
        "us_per_point": us,
        "all_samples_us": {k: [round(x, 1) for x in v] for k, v in samples.items()},
        "drivers_over_raw": round(us["gda_bridge_drivers"] / us["raw_pyepics"], 3),
    }
    if "gda_bridge_scan" in us:
        result["scan_over_raw"] = round(us["gda_bridge_scan"] / us["raw_pyepics"], 3)
    if "bluesky_ophyd" in us:
        result["bluesky_over_drivers"] = round(us["bluesky_ophyd"] / us["gda_bridge_drivers"], 2)
        if "gda_bridge_scan" in us:
            result["bluesky_over_scan"] = round(us["bluesky_ophyd"] / us["gda_bridge_scan"], 2)
    return result


def java_scan_runner(motor, counter, tp: float) -> Callable[[list[float]], None] | None:  # noqa: ANN001
    from gda_bridge.bridge.jvm import JvmError, core_jar

    try:
        core_jar()
    except JvmError:
        return None
    from gda_bridge.commands import scan
    from gda_bridge.scans.context import context

    context().output = lambda line: None
    context().default_session = None  # the engine alone: no file, no analysis (as bluesky here)

    def run(xs: list[float]) -> None:
        step = (xs[-1] - xs[0]) / (len(xs) - 1)
        result = scan(motor, xs[0], xs[-1], step, counter, tp)
        if result.num_points != len(xs):
            raise SystemExit(f"engine scan made {result.num_points} points, not {len(xs)}")

    return run


def bluesky_child(prefix: str, args: argparse.Namespace) -> list[float]:
    """Runs in its own process (the CA environment is inherited): us per point for each repeat."""
    from bluesky import RunEngine
    from bluesky.plans import list_scan
    from ophyd import EpicsMotor as OphydMotor
    from ophyd.scaler import EpicsScaler as OphydScaler

    motor = OphydMotor(f"{prefix}m1", name="m1")
    scaler = OphydScaler(f"{prefix}scaler1", name="scaler1")
    motor.wait_for_connection(timeout=10)
    scaler.wait_for_connection(timeout=10)
    scaler.preset_time.put(args.tp[0], wait=True)
    scaler.channels.read_attrs = ["chan2"]  # read the one channel the other loops read, not all 32
    engine = RunEngine({}, call_returns_result=False)

    def run(xs: list[float]) -> None:
        engine(list_scan([scaler], motor, xs))

    run(positions(10))
    return [time_per_point(run, args.points) for _ in range(args.repeats)]


if __name__ == "__main__":
    raise SystemExit(main())
