"""The corpus scripts that need no script path or start-up script, run with no language flag at
all (no --legacy-path, no --mode): each must print exactly what it prints as a legacy-path
script, the code alone deciding that it is Python 2 (or, for 45, Python 3)."""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.jython.test_legacy_corpus import (
    CONFIG,
    CORPUS,
    JAVA_OPTIONS,
    REPO,
    WORKERS,
    error_block,
    normalise,
)

NEEDS_PATHS = ("corpus-args", "\nrun ", "import legacy_module", "oldpkg", "lib_helper")
SCRIPTS = sorted(
    p for p in CORPUS.glob("*.py") if not any(marker in "\n" + p.read_text() for marker in NEEDS_PATHS)
)


def run_without_flags(script: Path, cache_dir: str, work: Path) -> subprocess.CompletedProcess[str]:
    work.mkdir(parents=True, exist_ok=True)
    (work / "corpus.toml").write_text(CONFIG)
    path = os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH")) if p)
    env = {
        **{k: v for k, v in os.environ.items() if k != "GDA_BRIDGE_DATA_DIR"},
        "PYTHONPATH": path,
        "GDA_BRIDGE_JVM_HEAP": "64m",
        "GDA_BRIDGE_CACHE_DIR": cache_dir,
        "JAVA_TOOL_OPTIONS": JAVA_OPTIONS,
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    command = [sys.executable, "-m", "gda_bridge.cli.main", "run", "--config", str(work / "corpus.toml"), script.name]
    out = subprocess.run(command, capture_output=True, text=True, timeout=90, env=env, cwd=CORPUS)
    out.stdout, out.stderr = (t.replace(str(work), "<WORK>") for t in (out.stdout, out.stderr))
    return out


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Future[subprocess.CompletedProcess[str]]]:
    cache_dir = str(tmp_path_factory.mktemp("no-flags-cache"))
    work = tmp_path_factory.mktemp("no-flags-work")
    pool = ThreadPoolExecutor(max_workers=WORKERS)
    futures = {s.name: pool.submit(run_without_flags, s, cache_dir, work / s.stem) for s in SCRIPTS}
    yield futures
    pool.shutdown(wait=True, cancel_futures=True)


def test_most_of_the_corpus_needs_no_paths() -> None:
    assert len(SCRIPTS) >= 40


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.stem for s in SCRIPTS])
def test_runs_as_without_flags(script: Path, runs) -> None:
    out = runs[script.name].result()
    expected_err = script.with_suffix(".err")
    if expected_err.exists():
        assert out.returncode == 1, out.stderr
        assert error_block(out.stderr) == expected_err.read_text()
    else:
        assert out.returncode == 0, out.stderr
    assert normalise(out.stdout) == normalise(script.with_suffix(".out").read_text())
    mode_line = next(line for line in out.stderr.splitlines() if line.startswith("gda-bridge run: "))
    language = "Python 3" if "python3" in script.read_text().splitlines()[0] else "Python 2"
    assert f"runs as {language} because" in mode_line and "legacy script path" not in mode_line
