"""The acceptance corpus: every script in tests/legacy_scripts runs through `gda-bridge run` and
prints exactly its expected output (see tests/legacy_scripts/README.md for the normalisation).

One subprocess per script; they are all started at once on a small pool when the first test
asks, so the suite costs about (number of scripts x one start-up) / workers.

    python tests/jython/test_legacy_corpus.py NAME [--write]   # show (or record) NAME's output
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import tempfile
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "tests" / "legacy_scripts"
SCRIPTS = sorted(p for p in CORPUS.glob("*.py"))
WORKERS = 3
# A JVM that starts with less compilation work: half the CPU time per script on 2 cores.
JAVA_OPTIONS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:CICompilerCount=1 -XX:-UsePerfData"
_ARGS = re.compile(r"^#\s*corpus-args:\s*(.*)$", re.MULTILINE)
_ADDRESS = re.compile(r"0x[0-9a-fA-F]+")
_ESTIMATE = re.compile(r"(\(\d+ points), about [^)]*\)")  # the scan-time estimate: measured, not fixed


CONFIG = """\
[beamline]
name = "corpus"
data_dir = "data"

[analysis]
save_plots = false
"""


def command(script: Path, config: Path) -> list[str]:
    extra = _ARGS.search(script.read_text())
    return [
        sys.executable, "-m", "gda_bridge.cli.main", "run", "--config", str(config),
        "--legacy-path", str(CORPUS), "--script-path", str(CORPUS / "lib"),
        *(shlex.split(extra.group(1)) if extra else []),
        script.name,
    ]


def run_script(script: Path, cache_dir: str, work: Path) -> subprocess.CompletedProcess[str]:
    """Run one script; its scan files go to ``work/data`` (a configuration in ``work`` says so)."""
    work.mkdir(parents=True, exist_ok=True)
    (work / "corpus.toml").write_text(CONFIG)
    path = os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH")) if p)
    env = {
        **{k: v for k, v in os.environ.items() if k != "GDA_BRIDGE_DATA_DIR"},  # corpus.toml names the folder
        "PYTHONPATH": path,
        "GDA_BRIDGE_JVM_HEAP": "64m",
        "GDA_BRIDGE_CACHE_DIR": cache_dir,
        "JAVA_TOOL_OPTIONS": JAVA_OPTIONS,
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    out = subprocess.run(
        command(script, work / "corpus.toml"), capture_output=True, text=True, timeout=90, env=env, cwd=CORPUS
    )
    out.stdout, out.stderr = (t.replace(str(work), "<WORK>") for t in (out.stdout, out.stderr))
    return out


def normalise(text: str) -> str:
    lines = [line for line in text.splitlines() if not line.startswith("Picked up JAVA_TOOL_OPTIONS")]
    text = _ESTIMATE.sub(r"\1)", "\n".join(lines))
    return _ADDRESS.sub("0x?", text.replace(str(CORPUS), "<CORPUS>")).rstrip("\n") + "\n"


def error_block(text: str) -> str:
    """The error the user is shown: stderr from its first 'Traceback' or '  File' line on (log
    lines before it, e.g. the Java engine's, are not part of the contract)."""
    lines = normalise(text).splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith(("Traceback (most recent", '  File "'))]
    return "\n".join(lines[starts[0]:] if starts else lines) + "\n"


@pytest.fixture(scope="session")
def corpus_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Future[subprocess.CompletedProcess[str]]]:
    cache_dir = str(tmp_path_factory.mktemp("corpus-cache"))
    work = tmp_path_factory.mktemp("corpus-work")
    pool = ThreadPoolExecutor(max_workers=WORKERS)
    futures = {s.name: pool.submit(run_script, s, cache_dir, work / s.stem) for s in SCRIPTS}
    yield futures
    pool.shutdown(wait=True, cancel_futures=True)


def test_the_corpus_has_at_least_forty_scripts() -> None:
    assert len(SCRIPTS) >= 40
    missing = [s.name for s in SCRIPTS if not s.with_suffix(".out").exists()]
    assert not missing, f"no expected output for {missing}"


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.stem for s in SCRIPTS])
def test_legacy_script_prints_its_expected_output(script: Path, corpus_runs) -> None:
    out = corpus_runs[script.name].result()
    expected_err = script.with_suffix(".err")
    if expected_err.exists():
        assert out.returncode == 1, out.stderr
        assert error_block(out.stderr) == expected_err.read_text()
    else:
        assert out.returncode == 0, out.stderr
    assert normalise(out.stdout) == normalise(script.with_suffix(".out").read_text())
    mode_line = [line for line in out.stderr.splitlines() if line.startswith("gda-bridge run: ")]
    assert mode_line and "runs as Python" in mode_line[0]


if __name__ == "__main__":
    write = "--write" in sys.argv
    for name in [a for a in sys.argv[1:] if a != "--write"]:
        script = CORPUS / (name if name.endswith(".py") else name + ".py")
        with tempfile.TemporaryDirectory() as tmp:
            result = run_script(script, tmp + "/cache", Path(tmp) / "work")
        print(f"--- {script.name}: exit {result.returncode}\n{result.stdout}--- stderr\n{result.stderr}")
        if write:
            script.with_suffix(".out").write_text(normalise(result.stdout))
            if result.returncode != 0:
                script.with_suffix(".err").write_text(error_block(result.stderr))
