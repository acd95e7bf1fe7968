"""A session's post-scan analysis on real scans of the simulated devices: lines, bindings, go."""

from __future__ import annotations

import pytest

from gda_bridge.commands import scan
from gda_bridge.session import Session, demo_devices


@pytest.fixture
def session(ctx):
    s = Session(ctx=ctx)
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


def test_every_scan_writes_a_nexus_file_with_the_analysis_results(session, ctx, data_dir):
    import h5py
    from nexusformat.nexus.validate import validate_file
    from silx.io.nxdata import get_default

    x, det = session.namespace["x"], session.namespace["det"]
    first = scan(x, -2, 3, 0.1, det, 0.0)
    fitted_in_session = session.namespace["peak"].result.pos
    second = scan(x, 0, 1, 0.5, det, 0.0)
    assert second.scan_number == first.scan_number + 1
    path = data_dir / f"gda-{first.scan_number}.nxs"
    assert f"Writing data to file: {path}" in ctx.lines
    session.processing.wait_idle(30)
    warnings, errors = validate_file(str(path))
    assert not errors
    with h5py.File(path, "r") as f:
        assert f["entry1/scan_command"][()].decode() == "scan x -2 3 0.1 det 0"
        assert f["entry1/instrument/x/x"].shape == (51,)
        assert get_default(f).signal.name.endswith("det")
        fitted = f["entry1/processing/peak/results/pos"][()]
        assert fitted == pytest.approx(fitted_in_session)
    plots = [p for p in data_dir.iterdir() if p.name.startswith(path.stem) and p.suffix == ".png"]
    assert plots and plots[0].stat().st_size > 1000
