"""scripts/setup.sh (which scripts/demo.sh runs first) installs only when its inputs changed."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

FAKE_PYTHON = """#!/bin/sh
echo "$@" >> "$(dirname "$0")/../calls.log"
"""


@pytest.mark.skipif(not (shutil.which("javac") and shutil.which("mvn")), reason="setup.sh would apt-get a JDK")
def test_a_second_setup_with_nothing_changed_does_not_reinstall(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    for name in ("python", "gda-bridge"):
        (venv / "bin" / name).write_text(FAKE_PYTHON)
        (venv / "bin" / name).chmod(0o755)
    env = {**os.environ, "GDA_BRIDGE_VENV": str(venv)}
    calls = venv / "calls.log"

    def setup() -> list[str]:
        calls.write_text("")
        subprocess.run([str(REPO / "scripts" / "setup.sh"), ""], env=env, check=True, timeout=60)
        return calls.read_text().splitlines()

    assert "-m pip install -q -e ." in setup()  # first time: installs
    assert setup() == []  # nothing changed: no pip at all
    subprocess.run([str(REPO / "scripts" / "setup.sh"), "bench"], env=env, check=True, timeout=60)
    assert "-m pip install -q -e .[bench]" in calls.read_text().splitlines()  # other extras: installs
