"""End to end: a real scan of simulated devices writes its file with the engine's and the writer's
marks, and ``gda-bridge timeline`` draws it, with the slow point and its slow phase on the page."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from gda_bridge.commands import scan
from gda_bridge.devices.sim import GaussianCounter, SimMotor
from gda_bridge.nexus import NexusWriter
from tests.timeline.conftest import table

ROOT = Path(__file__).resolve().parents[2]
SPEED = 50.0  # units/s: a step of 1 takes 20 ms, the way back from 10 to 0 takes 200 ms
COLLECT_S = 0.01


def test_a_scans_slow_first_move_is_its_slowest_point_on_the_page(ctx, data_dir, open_page):
    writer = NexusWriter(data_dir, "t")
    ctx.stream.subscribe(writer, critical=True)
    x = SimMotor("x", speed=SPEED)
    det = GaussianCounter("det", x)
    x.moveTo(10)
    scan(x, 0, 4, 1, det, COLLECT_S)
    path = Path(writer.path)

    done = subprocess.run([sys.executable, "-m", "gda_bridge.cli.main", "timeline", str(path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    page = path.with_name(f"{path.stem}-timeline.html")
    assert done.stdout.splitlines()[0] == f"gda-bridge timeline: wrote {page}"
    assert "the slowest point: 0 " in done.stdout and "most of it move" in done.stdout

    opened = open_page(page.as_uri())
    assert opened.requests == [page.as_uri()]
    lanes = table(opened, "lanes")
    assert list(lanes) == ["x", "det", "points", "scan thread", "writer thread"]
    assert int(lanes["det"][3][1]) >= 5 * COLLECT_S * 1e9  # five collections of 10 ms at least
    slowest = table(opened, "slowest")
    first = next(iter(slowest.values()))
    assert list(slowest)[0] == "0"
    assert first[2][0].startswith("move ")  # its move back from 10 took most of it
    assert int(first[1][1]) >= 0.2e9  # 200 ms at least
    overview = table(opened, "overview")
    assert overview["points"][1][0] == "5"
    assert 0 < int(overview["dead"][1][1]) < int(overview["duration"][1][1])
