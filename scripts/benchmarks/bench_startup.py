"""Fixed latency a user pays before and after any work: start-up and shut-down, JSON, in ms.

Each figure is the median over fresh processes (``--runs``), measured in the same run as the
reference ``python -c "import bluesky; bluesky.RunEngine({})"`` (the `bench` extra) so machine
load shows in both:

- ``run_hi_wall_ms`` / ``run_hi_cpu_ms``: ``gda-bridge run`` of a one-line ``print("hi")``;
- ``console_prompt_ms``: ``gda-bridge console --demo-devices`` in a pty until its first prompt;
- ``import_commands_ms``: ``import gda_bridge.commands`` (what a plain script pays);
- ``session_close_ms``: ``Session.close()`` of a session that scanned once (in-process timing);
- ``bluesky_wall_ms`` / ``bluesky_cpu_ms``: the reference.

    PYTHONPATH=. python scripts/benchmarks/bench_startup.py [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CLOSE_CHILD = """
import time
from gda_bridge.session import Session, demo_devices
from gda_bridge.commands import scan
session = Session()
session.add_devices(demo_devices())
ns = session.namespace
scan(ns["x"], 0, 1, 0.5, ns["det"])
start = time.perf_counter()
session.close()
print("CLOSE_MS", (time.perf_counter() - start) * 1e3)
"""


def _timed(argv: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Wall and CPU (user + system of the child) in ms, and the child's stdout."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    wall = (time.perf_counter() - start) * 1e3
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"{argv} failed ({done.returncode}): {done.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1e3
    return wall, cpu, done.stdout


def _console_prompt(env: dict[str, str]) -> float:
    """Wall ms from spawning the console in a pty to its first ``In [1]`` prompt."""
    import pexpect

    start = time.perf_counter()
    child = pexpect.spawn(sys.executable, ["-m", "gda_bridge.cli.main", "console", "--demo-devices"],
                          env=env, encoding="utf-8", timeout=60, dimensions=(40, 200))
    try:
        child.expect(r"In \[(\x1b\[[0-9;]*m)*1")
        took = (time.perf_counter() - start) * 1e3
        child.sendline("exit")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as tmp:
        env = dict(os.environ, GDA_BRIDGE_DATA_DIR=tmp, GDA_BRIDGE_HOME=tmp, TERM="xterm")
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
        script = Path(tmp, "hi.py")
        script.write_text('print("hi")\n', encoding="utf-8")
        samples: dict[str, list[float]] = {}

        def add(name: str, value: float) -> None:
            samples.setdefault(name, []).append(value)

        py = sys.executable
        for _ in range(args.runs):
            wall, cpu, _out = _timed([py, "-m", "gda_bridge.cli.main", "run", str(script)], env)
            add("run_hi_wall_ms", wall)
            add("run_hi_cpu_ms", cpu)
            wall, _cpu, _out = _timed([py, "-c", "import gda_bridge.commands"], env)
            add("import_commands_ms", wall)
            _wall, _cpu, out = _timed([py, "-c", CLOSE_CHILD], env)
            add("session_close_ms", float(out.split("CLOSE_MS")[1].split()[0]))
            add("console_prompt_ms", _console_prompt(env))
            wall, cpu, _out = _timed([py, "-c", "import bluesky; bluesky.RunEngine({})"], env)
            add("bluesky_wall_ms", wall)
            add("bluesky_cpu_ms", cpu)
    result = {name: round(statistics.median(values), 1) for name, values in samples.items()}
    result["runs"] = args.runs
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
