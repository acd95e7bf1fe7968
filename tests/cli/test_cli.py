"""The gda-bridge command as a user runs it, in a subprocess."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import h5py
import pytest

REPO = Path(__file__).resolve().parents[2]


def _run(*args: str, cwd=None, timeout=120) -> subprocess.CompletedProcess:
    path = os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH")) if p)
    env = {**os.environ, "GDA_BRIDGE_JVM_HEAP": "128m", "PYTHONPATH": path}
    return subprocess.run(
        [sys.executable, "-m", "gda_bridge.cli.main", *args],
        capture_output=True, text=True, timeout=timeout, env=env, cwd=cwd,
    )


@pytest.mark.slow
def test_demo_scans_the_simulated_epics_beamline_and_leaves_nothing_running(data_dir):
    out = _run("demo", "--frame-size", "64x48", timeout=180)
    assert out.returncode == 0, out.stderr
    assert "Move completed: m1 : 2.5000" in out.stdout
    assert out.stdout.count("Scan complete.") == 3
    assert re.search(r"^\s+peak: At m1 = \S+ \(pos\), det offset = ", out.stdout, re.M)
    peak_at = float(re.search(r"fitted peak at m1 = (\S+) ", out.stdout).group(1))
    assert abs(peak_at - 0.1) <= 0.05  # the IOC's scaler peaks at m1 = 0.1
    assert f"Moving m1 to {peak_at:.4f}" in out.stdout
    files = sorted(data_dir.glob("bl99-*.nxs"))
    assert len(files) == 3 and "IOC stopped." in out.stdout
    page = files[0].with_name(f"{files[0].stem}-timeline.html")  # where the first scan's time went
    assert f"open {page} in a browser" in out.stdout and page.stat().st_size > 0
    assert re.search(r"^\s+move: [\d.]+ ms \(\d+% of the scan", out.stdout, re.M), "the moves, from the timeline"
    assert re.search(r"the slowest point: 0 \(", out.stdout), "the first move, from 2.5 to -1, is the longest"
    assert "cvscan: 101 points of the MCS in one motion of m1" in out.stdout
    with h5py.File(files[2], "r") as f:
        assert f["/entry1/instrument/mcs/det"].shape == (101,)
    camera_file = files[1].with_name(f"{files[1].stem}-cam-000000.h5")
    assert f"11 frames of 64x48 written by the IOC's HDF5 plugin to {camera_file.name}" in out.stdout
    with h5py.File(files[1], "r") as f:  # the frames, through the scan file's link to the IOC's file
        assert f["/entry1/instrument/cam/data"].shape == (11, 48, 64)
    assert "lost connection" not in out.stderr  # the devices let go of their channels first
    leftover = subprocess.run(["pgrep", "-f", "gda_bridge.sim_ioc --prefix DEMO:"], capture_output=True)
    assert leftover.returncode == 1, "the demo left its IOC running"


def test_sim_ioc_subcommand_lists_its_pvs():
    out = _run("sim-ioc", "--prefix", "T1:", "--list-pvs")
    assert out.returncode == 0, out.stderr
    assert "T1:m1.VAL" in out.stdout and "T1:scaler1.CNT" in out.stdout and "T1:image1:ArrayData" in out.stdout


def test_run_executes_a_script_with_commands_and_devices(tmp_path):
    script = tmp_path / "my_scan.py"
    script.write_text(textwrap.dedent("""
        from gda_bridge.devices.sim import SimMotor, SoftCounter
        m = SimMotor("m")
        c = SoftCounter("c", 7.0)
        s = scan(m, 0, 2, 1, c)
        print("points", s.num_points, "sum", s["c"].sum())
        pos(m, 1)
    """))
    out = _run("run", str(script), cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "points 3 sum 21.0" in out.stdout and "Move completed: m : 1.0000" in out.stdout


def test_run_reports_a_missing_script():
    out = _run("run", "/nonexistent/script.py")
    assert out.returncode == 2 and "no such script" in out.stderr


def test_run_with_a_configuration_gives_the_script_its_devices(tmp_path):
    (tmp_path / "bl.toml").write_text(
        '[devices.m]\ndriver = "sim_motor"\nlimits = [0, 1]\n\n[devices.c]\ndriver = "soft_counter"\nvalue = 2.0\n'
    )
    (tmp_path / "s.py").write_text("print(scan(m, 0, 1, 0.5, c)['c'].tolist())\npos(m, 2)\n")
    out = _run("run", "--config", str(tmp_path / "bl.toml"), str(tmp_path / "s.py"), cwd=tmp_path)
    assert "[2.0, 2.0, 2.0]" in out.stdout
    assert out.returncode == 1 and "m: position 2 is outside the limits (0:1)" in out.stderr


def test_a_broken_configuration_is_one_line(tmp_path):
    (tmp_path / "bl.toml").write_text('[devices.m]\ndriver = "warp_drive"\n')
    (tmp_path / "s.py").write_text("pass\n")
    out = _run("run", "--config", str(tmp_path / "bl.toml"), str(tmp_path / "s.py"))
    assert out.returncode == 2 and "unknown driver 'warp_drive'" in out.stderr
    assert "Traceback" not in out.stderr


@pytest.mark.slow
def test_run_the_example_script_against_the_simulated_ioc(data_dir):
    from gda_bridge.sim_ioc import client_environment, start_ioc

    with start_ioc(prefix="BL99:", args=("--frame-size", "64x48")) as ioc:
        env = {**os.environ, **client_environment([ioc.port]), "GDA_BRIDGE_JVM_HEAP": "128m",
               "PYTHONPATH": str(REPO)}
        out = subprocess.run(
            [sys.executable, "-m", "gda_bridge.cli.main", "run", "--config", "examples/sim_beamline.toml",
             "examples/my_scans.py"],
            capture_output=True, text=True, timeout=180, env=env, cwd=REPO,
        )
    assert out.returncode == 0, out.stderr
    assert "Move completed: m1 : 2.5000" in out.stdout and out.stdout.count("Scan complete.") == 2
    assert re.search(r"Moving m1 to 0\.[01]\d*", out.stdout)
    assert len(list(data_dir.glob("bl99-*.nxs"))) == 2


def test_a_broken_socket_is_an_error_for_the_script_not_the_death_of_the_process(tmp_path):
    """A peer that went away (a closed browser tab for the server) must not kill the process with
    SIGPIPE: the write fails with BrokenPipeError where the code can handle it."""
    script = tmp_path / "peer_gone.py"
    script.write_text(textwrap.dedent("""
        import socket
        mine, theirs = socket.socketpair()
        theirs.close()
        try:
            mine.send(b"x")
        except BrokenPipeError:
            print("BrokenPipeError, and still running")
    """))
    out = _run("run", str(script))
    assert out.returncode == 0, out.stderr
    assert "BrokenPipeError, and still running" in out.stdout


def test_output_into_a_pipe_closed_early_ends_quietly(tmp_path):
    script = tmp_path / "chatty.py"
    script.write_text("for i in range(200000):\n    print('line', i)\n")
    path = os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH")) if p)
    proc = subprocess.Popen([sys.executable, "-m", "gda_bridge.cli.main", "run", str(script)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, "PYTHONPATH": path})
    assert proc.stdout.readline() == b"line 0\n"
    proc.stdout.close()  # as `| head -1` does
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 141  # the shell's code for a reader that went away
    assert b"Traceback" not in err and b"BrokenPipe" not in err


@pytest.mark.slow
def test_sigterm_mid_scan_stops_it_and_leaves_a_valid_file(tmp_path, data_dir):
    """A service manager's SIGTERM (systemd, a batch system, `kill`) mid-scan: the scan stops, the
    file holds the points taken and says the scan did not complete, the process exits 143 (JPype's
    own SIGTERM handler crashed the JVM instead, leaving an hs_err file and an open scan)."""
    script = tmp_path / "long_scan.py"
    script.write_text(textwrap.dedent("""
        import sys
        from gda_bridge.commands import scan
        from gda_bridge.devices.sim import SimMotor
        from gda_bridge.scans.context import context

        def started(doc):
            if type(doc).__name__ == "ScanPoint" and doc.index == 1:
                print("SCANNING", flush=True)

        context().stream.subscribe(started)
        scan(SimMotor("slow", speed=2.0), 0, 20, 1)
    """))
    path = os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH")) if p)
    env = {**os.environ, "GDA_BRIDGE_JVM_HEAP": "128m", "PYTHONPATH": path, "GDA_BRIDGE_DATA_DIR": str(data_dir)}
    proc = subprocess.Popen([sys.executable, "-m", "gda_bridge.cli.main", "run", str(script)], cwd=tmp_path,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    for line in proc.stdout:
        if "SCANNING" in line:
            break
    proc.terminate()
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 143, err
    assert not list(tmp_path.glob("hs_err_pid*.log")), err
    [scan_file] = data_dir.glob("*.nxs")
    import h5py

    with h5py.File(scan_file, "r") as f:
        status = f["/entry1/scan_status"][()].decode()
        completed = int(f["/entry1/points_completed"][()])
        positions = f["/entry1/instrument/slow/slow"][:completed]
    assert status != "COMPLETED_OKAY" and 2 <= completed < 21
    assert positions.tolist() == list(range(completed))  # every point taken, as taken
