"""Start-up and shut-down do no work nobody asked for: no JVM, scipy or analysis threads for a
script that does not need them, nothing left running after Session.close(). How fast that is
goes in scripts/benchmarks/bench_startup.py, not in a timed test."""

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _env(tmp_path: Path) -> dict[str, str]:
    path = os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH")) if p)
    return {**os.environ, "PYTHONPATH": path, "GDA_BRIDGE_DATA_DIR": str(tmp_path / "data"),
            "GDA_BRIDGE_JVM_HEAP": "128m"}


def _run_script(tmp_path: Path, text: str) -> str:
    script = tmp_path / "script.py"
    script.write_text(text)
    done = subprocess.run([sys.executable, "-m", "gda_bridge.cli.main", "run", str(script)],
                          env=_env(tmp_path), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _python(tmp_path: Path, code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], env=_env(tmp_path), capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_script_that_uses_no_java_runs_without_the_jvm_or_scipy(tmp_path: Path) -> None:
    out = _run_script(tmp_path, "import sys, jpype\n"
                                "print(jpype.isJVMStarted(), [m for m in ('scipy', 'matplotlib') if m in sys.modules])\n")
    assert out.strip() == "False []"


def test_gda_standard_names_start_the_jvm_on_first_use(tmp_path: Path) -> None:
    out = _run_script(tmp_path, """\
import jpype
before = jpype.isJVMStarted()
class Job(Runnable):
    def run(self):
        print("ran in a Java thread")
t = Thread(Job()); t.start(); t.join()
print(before, jpype.isJVMStarted(), finder.__name__)
try:
    raise java.lang.InterruptedException("stop")
except java.lang.InterruptedException as e:
    print("caught", e)
""")
    assert out.splitlines() == ["ran in a Java thread", "False True Finder", "caught stop"]


def test_importing_the_commands_imports_nothing_heavy(tmp_path: Path) -> None:
    out = _python(tmp_path, "import sys, gda_bridge.commands\n"
                            "print(sorted(m for m in ('jpype', 'h5py', 'scipy', 'matplotlib', 'dask', 'fastapi', 'pydantic')"
                            " if m in sys.modules))")
    assert out.strip() == "[]"


CLOSE = """\
import multiprocessing, threading
from gda_bridge.session import Session, demo_devices
from gda_bridge.commands import scan

def analysis_threads():
    return sorted(t.name for t in threading.enumerate() if t.name.startswith("gda-analysis"))

session = Session()
print("made", analysis_threads())
session.close()
print("closed unused", analysis_threads())
session = Session()
session.add_devices(demo_devices())
scan(session.namespace["x"], 0, 1, 0.5, session.namespace["det"])
session.close()
print("closed after a scan", analysis_threads(), multiprocessing.active_children())
"""


def test_session_close_leaves_no_threads_or_pools_and_an_unused_session_starts_none(tmp_path: Path) -> None:
    lines = _python(tmp_path, CLOSE).splitlines()
    assert "made []" in lines
    assert "closed unused []" in lines
    assert "closed after a scan [] []" in lines
    assert list((tmp_path / "data").glob("*.nxs")), "the scan wrote no file"
