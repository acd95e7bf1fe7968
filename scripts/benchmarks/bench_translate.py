"""Translate a generated 500-line legacy GDA script (both passes): cold and from the cache.

Cold: a fresh process with an empty cache dir: import, fissix RefactoringTool start (for the
fixers the script needs), and the translation itself, each timed. Cached: a fresh process whose
cache holds the result: the first call (what `gda-bridge run` pays) and repeated calls.
Each measurement is repeated in several fresh processes; medians are reported, JSON, in ms.
For scale, the cold run also times plain fissix (all default fixers) on the same text.

    PYTHONPATH=. python scripts/benchmarks/bench_translate.py [--runs 5] [--lines 500]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def _child(phase: str, lines: int) -> dict[str, float]:
    sys.path.insert(0, str(HERE))
    from _legacy_sample import legacy_script

    text = legacy_script(lines)
    t0 = time.perf_counter()
    from gda_bridge.jython.translate import AliasRegistry, TranslationCache, _api, translate_source, warm_up

    t1 = time.perf_counter()
    cache = TranslationCache()
    aliases = AliasRegistry()
    result: dict[str, float] = {"import_ms": (t1 - t0) * 1e3}
    if phase == "cold":
        fissix_start = time.perf_counter()
        import fissix.refactor  # noqa: F401  (timed on its own)

        result["fissix_import_ms"] = (time.perf_counter() - fissix_start) * 1e3
        result["tool_start_ms"] = warm_up(text) * 1e3
        start = time.perf_counter()
        out = translate_source(text, "legacy.py", "py2", aliases, cache=cache)
        result["translate_ms"] = (time.perf_counter() - start) * 1e3
        result["first_run_total_ms"] = (
            result["fissix_import_ms"] + result["tool_start_ms"] + result["translate_ms"]
        )
        assert cache.misses == 1 and out.count("\n") == text.count("\n")
        _api._recent.clear()  # the in-process memo would answer: time a real translation
        start = time.perf_counter()
        translate_source(text, "legacy.py", "py2", aliases, cache=None)
        result["warm_translate_ms"] = (time.perf_counter() - start) * 1e3
        # Reference on the same machine, same moment: plain fissix, all default fixers, on the
        # already command-translated text (what a bare lib2to3-style conversion costs here).
        from fissix.refactor import RefactoringTool, get_fixers_from_package

        plain = translate_source(text, "legacy.py", "py3", aliases, cache=None)
        start = time.perf_counter()
        tool = RefactoringTool(get_fixers_from_package("fissix.fixes"))
        result["reference_fissix_tool_start_ms"] = (time.perf_counter() - start) * 1e3
        start = time.perf_counter()
        tool.refactor_string(plain, "legacy.py")
        result["reference_fissix_refactor_ms"] = (time.perf_counter() - start) * 1e3
    else:
        start = time.perf_counter()
        translate_source(text, "legacy.py", "py2", aliases, cache=cache)
        result["first_cached_ms"] = (time.perf_counter() - start) * 1e3
        times = []
        for _ in range(50):
            _api._recent.clear()  # a disk-cache hit each time, as in a fresh process
            start = time.perf_counter()
            translate_source(text, "legacy.py", "py2", aliases, cache=cache)
            times.append((time.perf_counter() - start) * 1e3)
        result["cached_ms"] = statistics.median(times)
        result["fissix_imported"] = float("fissix.refactor" in sys.modules)
        assert cache.hits == 51 and cache.misses == 0
    return result


def _run(phase: str, lines: int, cache_dir: str) -> dict[str, float]:
    env = {**os.environ, "GDA_BRIDGE_CACHE_DIR": cache_dir, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, __file__, "--child", phase, "--lines", str(lines)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return json.loads(proc.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--lines", type=int, default=500)
    parser.add_argument("--child", choices=["cold", "cached"])
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_child(args.child, args.lines)))
        return
    cold, cached = [], []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as cache_dir:
            cold.append(_run("cold", args.lines, cache_dir))
            cached.append(_run("cached", args.lines, cache_dir))

    def median(rows: list[dict[str, float]]) -> dict[str, float]:
        return {key: round(statistics.median(row[key] for row in rows), 2) for key in rows[0]}

    report = {
        "lines": args.lines,
        "runs": args.runs,
        "cold": median(cold),
        "cached": median(cached),
        "goals_ms": {"first_run_total": 150, "cached": 5},
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
