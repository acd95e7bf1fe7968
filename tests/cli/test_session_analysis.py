"""A session's post-scan analysis on real scans of the simulated devices: lines, bindings, go."""

from __future__ import annotations

import pytest

from gda_bridge.cli.session import Session, demo_devices
from gda_bridge.commands import scan


@pytest.fixture
def session(ctx):
    s = Session(ctx)
    s.add_devices(demo_devices())
    yield s
    s.close()


def test_scan_prints_gda_processing_lines_and_binds_results(session, ctx):
    x, det = session.namespace["x"], session.namespace["det"]
    det.noise = 0.0
    scan(x, -2, 3, 0.05, det, 0.0)
    lines = [line.strip() for line in ctx.lines]
    assert any(line.startswith("maxval: At x = 1.3000 (maxpos), det maxval = ") for line in lines)
    assert any(line.startswith("peak: At x = ") and "fwhm = " in line for line in lines)
    peak = session.namespace["peak"]
    assert peak.result.pos == pytest.approx(1.3, abs=0.01)
    assert peak.result.fwhm == pytest.approx(0.8, rel=0.02)
    assert peak.scn.x == pytest.approx(peak.result.pos)
    assert session.namespace["maxval"].result.maxpos == pytest.approx(1.3)


def test_go_peak_moves_the_scanned_motor_there(session, ctx):
    x, det = session.namespace["x"], session.namespace["det"]
    scan(x, -2, 3, 0.1, det, 0.0)
    session.go(session.namespace["peak"])
    target = session.namespace["peak"].result.pos
    assert f"Moving x to {target:.4f}" in ctx.lines
    assert x() == pytest.approx(target)


def test_flat_data_gives_no_peak_and_go_refuses(session, ctx):
    from gda_bridge.analysis import AnalysisError
    from gda_bridge.devices.sim import SoftCounter

    flat = SoftCounter("flat", 5.0)
    scan(session.namespace["x"], 0, 1, 0.1, flat)
    assert any("There is no peak" in line for line in ctx.lines)
    with pytest.raises(AnalysisError, match="There is no peak"):
        session.go(session.namespace["peak"])
