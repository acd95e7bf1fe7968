"""The console in a real pseudo-terminal: GDA syntax, the Ctrl-C menu, history across sessions."""

from __future__ import annotations

import os
import sqlite3
import sys
from pathlib import Path

import pexpect
import pytest

REPO = Path(__file__).resolve().parents[2]
ANSI = r"(?:\x1b\[[0-9;?]*[A-Za-z])*"
PROMPT = rf"In \[{ANSI}\d+{ANSI}\]: "


def _console(tmp_path: Path, *args: str) -> pexpect.spawn:
    env = {**os.environ, "GDA_BRIDGE_HOME": str(tmp_path / "home"), "GDA_BRIDGE_JVM_HEAP": "128m",
           "PYTHONPATH": str(REPO), "TERM": "xterm"}
    child = pexpect.spawn(sys.executable, ["-m", "gda_bridge.cli.main", "console", *args], env=env,
                          encoding="utf-8", timeout=60, dimensions=(40, 160))
    child.expect(PROMPT)
    return child


def _value(child: pexpect.spawn, expression: str) -> str:
    child.sendline(expression)
    child.expect(rf"Out\[{ANSI}\d+{ANSI}\]: {ANSI}(\S+?)\r")
    value = child.match.group(1)
    child.expect(PROMPT)
    return value


@pytest.mark.slow
def test_gda_syntax_and_ctrl_c_menu_abort_stops_the_motor(tmp_path):
    child = _console(tmp_path, "--demo-devices")
    child.sendline("pos x 1")
    child.expect("Move completed: x : 1.0000")
    child.expect(PROMPT)
    child.sendline("x.speed = 2")
    child.expect(PROMPT)
    child.sendline("scan x 0 4 0.5 det 0")
    child.expect(r" 1\.0000 ")
    child.sendintr()
    child.expect("Scan paused: c = continue")
    child.sendline("a")
    child.expect("Scan aborted.")
    child.expect("Scan aborted on request")  # the one-line error; no traceback
    child.expect(PROMPT)
    # Stopped where it was (at 1.0 if the pause came before the next move started), not at the end.
    assert 1.0 <= float(_value(child, "x()")) < 4.0
    assert _value(child, "x.isBusy()") == "False"
    child.sendline("exit")
    child.expect(pexpect.EOF)


@pytest.mark.slow
def test_ctrl_c_then_continue_completes_the_scan_and_history_is_kept(tmp_path):
    child = _console(tmp_path, "--demo-devices")
    child.sendline("x.speed = 0.5")  # a second per point: the Ctrl-C below lands mid-scan
    child.expect(PROMPT)
    child.sendline("scan x 0 2 0.5 det 0")
    child.expect(r" 0\.5000 ")
    child.sendintr()
    child.expect("Scan paused: c = continue")
    child.sendline("c")
    child.expect("Scan complete.")
    child.expect(PROMPT)
    assert _value(child, "lastScanDataPoint().num_points") == "5"
    child.send("lastScanDataP\t")  # tab completes a command (and device names) from the namespace
    child.expect("lastScanDataPoint")
    child.sendline("().num_points")
    child.expect(rf"Out\[{ANSI}\d+{ANSI}\]: {ANSI}5")
    child.expect(PROMPT)
    child.sendline("exit")
    child.expect(pexpect.EOF)
    with sqlite3.connect(tmp_path / "home" / "console_history.sqlite") as db:
        typed = [row[0] for row in db.execute("select source_raw from history")]
    assert "scan x 0 2 0.5 det 0" in typed
