"""A Python 2 library package in GDA's style, imported with no flags from a script run by
`gda-bridge run script.py` in a real subprocess: implicit relative imports, print statements,
Java imports, __cmp__ ordering, sort(cmp=), integer division, and (helpers "idioms" and "nexus")
a Runnable subclass and scisoftpy, kept in modules of their own."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PROJECT = Path(__file__).resolve().parent / "data" / "py2_library"


def gda_bridge_run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    path = os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH")) if p)
    env = {
        **os.environ,
        "PYTHONPATH": path,
        "GDA_BRIDGE_CACHE_DIR": str(tmp_path / "cache"),
        "GDA_BRIDGE_DATA_DIR": str(tmp_path / "data"),
        "GDA_BRIDGE_JVM_HEAP": "64m",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    return subprocess.run(
        [sys.executable, "-m", "gda_bridge.cli.main", "run", str(PROJECT / "run_library.py"), *args],
        capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path,
    )


def test_a_python2_package_imports_with_no_flags(tmp_path: Path) -> None:
    out = gda_bridge_run(tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == [
        "gdalib loaded; helpers is gdalib.helpers",  # `import helpers` inside the package: a sibling
        "describe dark -> 2",
        "DARK",
        "[a=1, b=2] True",
        "([b=5, a=1], 3)",
        "True 3",
    ]
    notices = [line for line in out.stderr.splitlines() if line.startswith("gda-bridge run: ")]
    assert any("run_library.py runs as Python 2 because it is not valid Python 3" in n for n in notices)
    for module in ("gdalib ", "gdalib.helpers ", "gdalib.ordering "):
        assert any(f"imported {module}" in n and "runs as Python 2" in n for n in notices), notices
    assert not list(PROJECT.rglob("__pycache__"))  # translated modules never leave a .pyc


def test_a_second_run_is_served_from_the_cache(tmp_path: Path) -> None:
    first = gda_bridge_run(tmp_path)
    entries = sorted((tmp_path / "cache" / "translate").glob("*/*.py"))
    assert first.returncode == 0 and len(entries) >= 4  # the script and three modules
    mtimes = [e.stat().st_mtime_ns for e in entries]
    second = gda_bridge_run(tmp_path)
    assert second.stdout == first.stdout
    assert [e.stat().st_mtime_ns for e in sorted((tmp_path / "cache" / "translate").glob("*/*.py"))] == mtimes


def _runnable_subclassing() -> bool:
    from gda_bridge.jython.runner import ScriptRunner

    ScriptRunner()
    from java.lang import Runnable  # type: ignore[import-not-found]

    try:
        type("Probe", (Runnable,), {"run": lambda self: None})
    except TypeError:
        return False
    return True


def test_the_package_s_runnable_subclass(tmp_path: Path) -> None:
    if not _runnable_subclassing():
        pytest.skip("Java-interface subclassing is helper idioms' piece: completed at merge")
    out = gda_bridge_run(tmp_path, "tasks")
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[-1] == "counted 3"


def test_the_package_s_scisoftpy_use(tmp_path: Path) -> None:
    from gda_bridge.jython.runner import ScriptRunner

    ScriptRunner()
    if importlib.util.find_spec("scisoftpy") is None:
        pytest.skip("the scisoftpy shim is helper nexus' piece: completed at merge")
    out = gda_bridge_run(tmp_path, "arrays")
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[-2:] == ["array of 5", "total 5"]
