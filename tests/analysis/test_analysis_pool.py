"""Heavy hooks in the local process pool (spawned worker processes)."""

import logging
import os

import numpy as np
import pytest
from analysis_docs import gaussian, noisy, one_d
from analysis_hookfuncs import heavy_fail, heavy_peak

from gda_bridge.analysis import AnalysisConfig, HookRegistry, ScanProcessing
from gda_bridge.core.stream import DocumentStream

X = np.arange(-2.0, 2.0 + 1e-9, 0.05)


def test_heavy_hooks_run_in_another_process_and_their_results_come_back(tmp_path, caplog):
    lines, stored, namespace = [], [], {}
    hooks = HookRegistry()
    hooks.after_scan(heavy=True)(heavy_peak)
    hooks.after_scan(heavy=True)(heavy_fail)
    collector = ScanProcessing(
        namespace,
        config=AnalysisConfig(processors=("peak",), process_workers=1, dask_scheduler=None),
        report=lines.append,
        on_results=lambda start, results: stored.extend(results),
        hooks=hooks,
        file_path=lambda start: str(tmp_path / "7.nxs"),
    )
    stream = DocumentStream()
    stream.subscribe(collector)
    try:
        with caplog.at_level(logging.ERROR, logger="gda_bridge.analysis.hooks"):
            for d in one_d(X, {"det": noisy(gaussian(X, -0.6, 0.5, 800.0, 20.0), 4)}, scan_number=7):
                stream.emit(d)
            assert collector.wait_idle(90)
    finally:
        collector.close()

    assert namespace["heavy_peak"]["pid"] != os.getpid()
    assert namespace["heavy_peak"]["pos"] == pytest.approx(-0.6, abs=0.02)
    assert namespace["peak"].result.pos == pytest.approx(namespace["heavy_peak"]["pos"])
    (res,) = [r for r in stored if r.processor == "heavy_peak"]
    assert res.program == "analysis_hookfuncs.heavy_peak" and res.inputs == {"file": str(tmp_path / "7.nxs")}
    assert res.results["fwhm"] == pytest.approx(0.5, rel=0.1)
    assert "Hook heavy_fail failed: RuntimeError: worker says no to scan 7" in lines
    (rec,) = [r for r in caplog.records if r.name == "gda_bridge.analysis.hooks"]
    assert "Traceback" in rec.getMessage() and "heavy_fail" in rec.getMessage()
