"""What the console shows, in a real pseudo-terminal: the banner, GDA's help, one-line errors with
the traceback one command away, testscan's report, completion after a command word, and the
progress bar kept off the Ctrl-C menu."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pexpect
import pytest

REPO = Path(__file__).resolve().parents[2]
ANSI = r"(?:\x1b\[[0-9;?]*[A-Za-z])*"
PROMPT = rf"In \[{ANSI}(\d+){ANSI}\]: "
pytestmark = pytest.mark.slow


def _spawn(home: Path, *args: str) -> pexpect.spawn:
    env = {**os.environ, "GDA_BRIDGE_HOME": str(home), "GDA_BRIDGE_JVM_HEAP": "128m",
           "PYTHONPATH": str(REPO), "TERM": "xterm"}
    return pexpect.spawn(sys.executable, ["-m", "gda_bridge.cli.main", "console", "--demo-devices", *args],
                         env=env, encoding="utf-8", timeout=60, dimensions=(40, 160))


def _plain(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07", "", text)


def _printed(text: str) -> list[str]:
    """The non-empty lines after the echoed command."""
    return [line for line in text.splitlines()[1:] if line.strip()]


def _next_prompt(child: pexpect.spawn) -> str:
    """Wait for the next line's prompt (prompt_toolkit redraws the current one when a line is
    entered); what was printed before it, raw."""
    printed = ""
    while True:
        child.expect(PROMPT)
        printed += child.before
        number = int(child.match.group(1))
        if number > getattr(child, "line_number", 0):
            child.line_number = number
            return printed
        printed += child.after


def _run(child: pexpect.spawn, line: str) -> str:
    """Type one line; what the console printed before the next prompt, without colours."""
    child.sendline(line)
    return _plain(_next_prompt(child))


@pytest.fixture(scope="module")
def console(tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    child = _spawn(home)
    child.banner = _plain(_next_prompt(child))  # type: ignore[attr-defined]
    child.home = home  # type: ignore[attr-defined]
    yield child
    child.sendline("exit")
    child.expect(pexpect.EOF)


def test_banner_names_the_beamline_the_devices_help_and_the_log(console):
    banner = console.banner
    assert "gda-bridge console" in banner
    assert "beamline gda" in banner
    assert re.search(r"Devices: det, x\b", banner)
    assert "help" in banner and "%tb" in banner
    assert str(console.home / "console.log") in banner


def test_bare_help_lists_gda_commands_one_line_each_without_pythons_utility(console):
    out = _run(console, "help")
    assert "help>" not in out
    lines = {line.split()[0]: line for line in out.splitlines() if line.strip()}
    for command in ("pos", "inc", "scan", "cscan", "testscan", "ls", "go"):
        assert command in lines, out
    assert "start stop step" in lines["scan"]


def test_help_scan_prints_the_usage_inline(console):
    out = _run(console, "help scan")
    assert "scan scn1 start stop step" in out
    assert "(END)" not in out and "Help on function" not in out


def test_a_limit_refusal_is_one_red_line_and_tb_shows_the_traceback(console):
    console.sendline("scan x 0 11 1 det 0")
    raw = _next_prompt(console)
    out = _printed(_plain(raw))
    assert out == ["DeviceError: x: position 11 is outside the limits (-10:10)"], out
    assert "\x1b[31m" in raw or "\x1b[1;31m" in raw  # red
    full = _run(console, "%tb")
    assert "Traceback" in full and "DeviceError: x: position 11" in full


def test_java_log_records_go_to_the_log_file_not_the_terminal(console):
    out = _run(console, "scan x 0 12 2 det 0")
    assert "SEVERE" not in out and "=====" not in out and "ConcurrentScan.java" not in out
    log = (console.home / "console.log").read_text()
    assert "position 12 is outside the limits" in log and "ConcurrentScan.java" in log


@pytest.mark.parametrize("line, expected", [
    ("scan x 0 1", "ScanSyntaxError: scan: x 0.0 1.0:"),
    ("pos nodev 1", "NameError: name 'nodev' is not defined"),
    ("pos x )", "SyntaxError:"),
])
def test_other_user_errors_are_one_line(console, line, expected):
    out = _printed(_run(console, line))
    assert len(out) == 1 and out[0].startswith(expected), out


def test_testscan_reports_what_it_would_do_and_what_is_wrong(console):
    ok = _run(console, "testscan x 0 1 0.5 det 0")
    assert "3 points" in ok and "Traceback" not in ok
    bad = _run(console, "testscan x 0 11 1 det 0")
    assert "testscan: " in bad and "x: position 11 is outside the limits (-10:10)" in bad
    assert "Error" not in bad.split("testscan:")[0].splitlines()[-1]
    assert "Traceback" not in bad


@pytest.mark.parametrize("typed, rest, shown", [
    ("pos d", "", "det : "),
    ("scan x 0 1 0.5 d", " 0", "Scan complete."),
])
def test_tab_completes_devices_after_a_command_word(console, typed, rest, shown):
    console.send(typed + "\t")
    console.expect(f"d{ANSI}e{ANSI}t")  # prompt_toolkit may draw the typed "d" and the completed "et" apart
    console.sendline(rest)  # a space or Enter takes the completion; the line then runs
    out = _plain(_next_prompt(console))
    assert typed.rsplit(" ", 1)[0] + " det" + rest in out
    assert shown in out, out


def test_verbose_console_shows_full_tracebacks(tmp_path):
    child = _spawn(tmp_path, "--verbose")
    _next_prompt(child)
    out = _run(child, "pos x 11")
    assert "Traceback" in out and "DeviceError: x: position 11" in out
    child.sendline("exit")
    child.expect(pexpect.EOF)


def test_ctrl_c_menu_is_on_a_clean_line_and_the_bar_is_not_left_after_a_2d_scan(tmp_path):
    child = _spawn(tmp_path)
    _next_prompt(child)
    _run(child, "from gda_bridge.devices.sim import SimMotor")
    _run(child, "y = SimMotor('y', speed=50.0, limits=(-10, 10))")
    _run(child, "x.speed = 0.5")
    child.sendline("scan x 0 2 0.5 det 0")
    child.expect(r" 0\.5000 ")
    child.sendintr()
    child.expect(r"Scan paused: c = continue.*\? ")
    menu_line = _plain(child.after).splitlines()[-1]
    assert menu_line.startswith("Scan paused"), repr(menu_line)
    assert "━" not in child.after  # no bar drawn over the question
    child.sendline("a")
    _next_prompt(child)
    _run(child, "x.speed = 50")
    out = _run(child, "scan x 0 1 0.5 y 0 1 0.5 det 0")
    assert "Scan complete." in out
    last = [line for line in out.splitlines() if line.strip()][-1]
    assert "━" not in last and "scan" not in last.split()[:1], repr(out[-600:])
    child.sendline("exit")
    child.expect(pexpect.EOF)


def test_the_bar_says_the_time_left_from_the_scans_estimate(console):
    """Before a point is done the time left is the estimate the header printed (rich's own column
    would show -:--:--), then it follows the points."""
    _run(console, "x.speed = 1.0")
    try:
        console.sendline("scan x 0 2 0.5 det 0")  # 5 points, 4 moves of 0.5 s
        console.expect(r"\(5 points, about (\d+\.\d) s\)")
        estimated = float(console.match.group(1))
        console.expect(r"about (\d+\.\d) s left")
        assert 0 < float(console.match.group(1)) <= estimated
        assert "Scan complete." in _plain(_next_prompt(console))
    finally:
        _run(console, "x.speed = 50.0")
