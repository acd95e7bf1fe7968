"""A plain ``python myscript.py`` that imports gda_bridge.commands and scans gets the default
session, as ``gda-bridge run`` would give it: a file in the data folder with the folder's shared
numbering, post-scan analysis bound in the script's globals, and ``go peak``."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import h5py
import numpy as np

ROOT = Path(__file__).resolve().parents[2]

DEVICES = """
from gda_bridge.devices.sim import GaussianCounter, SimMotor

x = SimMotor("x", speed=1000.0, limits=(-10, 10))
det = GaussianCounter("det", motor=x, centre=1.3, fwhm=0.8, peak=1000, noise=0.0, background=3.0)
"""


def run_script(tmp_path: Path, data_dir: Path, body: str) -> subprocess.CompletedProcess[str]:
    script = tmp_path / "myscript.py"
    script.write_text(DEVICES + textwrap.dedent(body))
    env = {**os.environ, "PYTHONPATH": str(ROOT), "GDA_BRIDGE_DATA_DIR": str(data_dir)}
    proc = subprocess.run([sys.executable, str(script)], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr
    return proc


def test_a_plain_script_scan_writes_the_next_numbered_file_and_says_where(tmp_path, data_dir):
    data_dir.mkdir(parents=True)
    (data_dir / ".scan_number").write_text("6\n")
    proc = run_script(tmp_path, data_dir, """
        from gda_bridge.commands import scan

        result = scan(x, 0, 2.5, 0.1, det, 0.001)
        print("RESULT", result.scan_number, result.path)
    """)
    expected = data_dir / "gda-7.nxs"
    assert f"Writing data to file: {expected}" in proc.stdout
    assert f"RESULT 7 {expected}" in proc.stdout
    assert (data_dir / ".scan_number").read_text().strip() == "7"
    with h5py.File(expected, "r") as f:
        det_data = f["/entry1/det/data"][()]
        assert det_data.shape == (26,)
        assert np.argmax(det_data) == 13  # the peak at x = 1.3


def test_a_plain_script_gets_the_analysis_and_go_peak(tmp_path, data_dir):
    proc = run_script(tmp_path, data_dir, """
        from gda_bridge.commands import go, scan

        scan(x, 0, 2.5, 0.1, det, 0.001)
        print("PEAK", round(peak.result.pos, 2))
        go(peak)
        print("AT", round(x.getPosition(), 2))
    """)
    assert "PEAK 1.3" in proc.stdout
    assert "Moving x to" in proc.stdout
    assert "AT 1.3" in proc.stdout
    with h5py.File(data_dir / "gda-1.nxs", "r") as f:
        assert "processing" in f["/entry1"]


def test_one_line_turns_files_off_for_a_throw_away_scan(tmp_path, data_dir):
    proc = run_script(tmp_path, data_dir, """
        import gda_bridge.session
        gda_bridge.session.current().write_files = False

        from gda_bridge.commands import scan

        result = scan(x, 0, 2.5, 0.1, det, 0.001)
        print("PATH", result.path)
        print("PEAK", round(peak.result.pos, 2))
        gda_bridge.session.current().write_files = True
        kept = scan(x, 0, 1, 0.5, det, 0.001)
        print("KEPT", kept.path)
    """)
    assert "PATH None" in proc.stdout
    assert "PEAK 1.3" in proc.stdout
    assert proc.stdout.count("Writing data to file") == 1
    assert f"KEPT {data_dir / 'gda-1.nxs'}" in proc.stdout  # the throw-away scan took no number
    assert [p.name for p in data_dir.glob("*.nxs")] == ["gda-1.nxs"]


def test_a_script_that_subscribes_its_own_writer_keeps_it_alone(tmp_path, data_dir):
    """docs/nexus.md's plain-Python way: its NexusWriter writes the one file; no default session."""
    proc = run_script(tmp_path, data_dir, f"""
        from gda_bridge.commands import scan
        from gda_bridge.nexus import NexusWriter
        from gda_bridge.scans.context import context

        writer = NexusWriter({str(data_dir)!r}, "own")
        context().stream.subscribe(writer, critical=True)
        scan(x, 0, 1, 0.5, det, 0.001)
        print("SESSION", context().session)
    """)
    assert "SESSION None" in proc.stdout
    assert [p.name for p in data_dir.glob("*.nxs")] == ["own-1.nxs"]


CONFIG = """
[beamline]
name = "i99"

[devices.m]
driver = "sim_motor"
speed = 1000.0
limits = [-10, 10]

[devices.ct]
driver = "gaussian_counter"
motor = "@m"
centre = -0.5
fwhm = 0.8
peak = 1000
noise = 0.0
"""


def test_a_script_with_a_configuration_gets_its_devices_and_beamline_name(tmp_path, data_dir):
    (tmp_path / "bl.toml").write_text(CONFIG)
    proc = run_script(tmp_path, data_dir, """
        import gda_bridge
        from gda_bridge.commands import scan

        with gda_bridge.Session("bl.toml", namespace=globals()):
            result = scan(m, -2, 1, 0.1, ct, 0.001)
            print("RESULT", result.path, round(peak.result.pos, 2))
    """)
    assert f"RESULT {data_dir / 'i99-1.nxs'} -0.5" in proc.stdout


def hdf5_paths(path: Path) -> set[str]:
    with h5py.File(path, "r") as f:
        names: list[str] = []
        f.visit(names.append)
    return set(names)


def test_python_and_gda_bridge_run_write_the_same_file_for_the_same_scan(tmp_path):
    body = 'from gda_bridge.commands import scan\nscan(x, 0, 2.5, 0.1, det, 0.001)\n'
    plain = tmp_path / "plain"
    plain.mkdir()
    run_script(plain, plain / "data", body)
    script = tmp_path / "run.py"
    script.write_text(DEVICES + body)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "GDA_BRIDGE_DATA_DIR": str(tmp_path / "run-data")}
    proc = subprocess.run([sys.executable, "-m", "gda_bridge.cli.main", "run", str(script)], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr
    assert hdf5_paths(plain / "data" / "gda-1.nxs") == hdf5_paths(tmp_path / "run-data" / "gda-1.nxs")
