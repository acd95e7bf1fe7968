"""``gda-bridge timeline SCAN.nxs`` in a real subprocess, on files written as the writer writes them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import h5py

from gda_bridge.nexus.timeline import create_timeline
from tests.timeline.made_up import scan_start, step_scan, write_scan_file

ROOT = Path(__file__).resolve().parents[2]


def timeline_command(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gda_bridge.cli.main", "timeline", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)


def test_writes_the_page_beside_the_scan_and_says_where_the_time_went(tmp_path):
    scan = write_scan_file(tmp_path / "bl99-7.nxs", step_scan(10))
    done = timeline_command(str(scan))
    assert done.returncode == 0, done.stderr
    page = tmp_path / "bl99-7-timeline.html"
    lines = done.stdout.splitlines()
    assert lines[0] == f"gda-bridge timeline: wrote {page}"
    assert 3 <= len(lines) - 1 <= 5
    assert lines[1].startswith("10 points, 64 intervals, ")
    assert "the slowest point: 3 " in lines[1] and "most of it move" in lines[1]
    assert {line.split(":")[0] for line in lines[2:4]} == {"  move", "  collect"}  # the busiest two
    assert any(line.startswith("  collect: 100.0 ms (") for line in lines)  # 10 points of 10 ms
    assert lines[-1].startswith("  dead time (no detector collecting): ")
    text = page.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert "Where the time of bl99-7.nxs went" in text
    assert 'id="summary-phases"' in text


def test_output_where_asked(tmp_path):
    scan = write_scan_file(tmp_path / "bl99-8.nxs", step_scan(3))
    out = tmp_path / "pages" / "t.html"
    out.parent.mkdir()
    done = timeline_command(str(scan), "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == f"gda-bridge timeline: wrote {out}"
    assert out.is_file() and not (tmp_path / "bl99-8-timeline.html").exists()


def _refused(path: Path) -> str:
    done = timeline_command(str(path))
    assert done.returncode == 1
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr  # one line, no traceback
    assert lines[0].startswith(f"gda-bridge timeline: {path}")
    return lines[0]


def test_a_file_from_before_timelines_is_refused_in_one_line(tmp_path):
    path = tmp_path / "old.nxs"
    with h5py.File(path, "w") as f:
        f.create_group("entry1/instrument")
    assert "has no timeline" in _refused(path)


def test_a_killed_scans_empty_timeline_is_refused_in_one_line(tmp_path):
    path = tmp_path / "killed.nxs"
    with h5py.File(path, "w") as f:
        create_timeline(f.create_group("entry1"), scan_start())  # made at the start, never filled
    assert "empty timeline" in _refused(path)


def test_a_file_that_is_not_hdf5_is_refused_in_one_line(tmp_path):
    path = tmp_path / "notes.nxs"
    path.write_text("not a scan\n")
    assert "is not an HDF5 file" in _refused(path)
    assert "no such file" in _refused(tmp_path / "missing.nxs")
