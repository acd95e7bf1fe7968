"""ScanProcessing fed with hand-built documents through a real DocumentStream."""

import logging
import re
import threading

import numpy as np
import pytest
from analysis_docs import detector, gaussian, grid, noisy, one_d, scannable

from gda_bridge.analysis import (
    MULTIDIMENSIONAL,
    TOO_SHORT,
    AnalysisConfig,
    AnalysisError,
    HookRegistry,
    ProcessResult,
    ScanDataProcessorResult,
    ScanProcessing,
    ScanRecord,
)
from gda_bridge.core.documents import ScanStatus
from gda_bridge.core.stream import DocumentStream

X = np.round(np.arange(-2.0, 2.0 + 1e-9, 0.05), 10)
PEAK = noisy(gaussian(X, 1.3, 0.8, 1000.0, 3.0), seed=7)
WAIT = 30.0


class Harness:
    def __init__(self, tmp_path, **config):
        self.lines: list[str] = []
        self.stored: list[tuple[object, list[ProcessResult]]] = []
        self.namespace: dict = {}
        self.hooks = HookRegistry()
        self.stream = DocumentStream()
        self.tmp_path = tmp_path
        self.collector = ScanProcessing(
            self.namespace,
            config=AnalysisConfig(**config),
            report=self.lines.append,
            on_results=lambda start, results: self.stored.append((start, results)),
            hooks=self.hooks,
            file_path=lambda start: str(tmp_path / f"{start.scan_number}.nxs"),
        )
        self.stream.subscribe(self.collector)

    def run(self, docs):
        for d in docs:
            self.stream.emit(d)
        assert self.collector.wait_idle(WAIT)
        return docs


@pytest.fixture
def h(tmp_path):
    harness = Harness(tmp_path)
    yield harness
    harness.collector.close()


def test_a_peak_scan_prints_gdas_lines_and_binds_results(h):
    h.run(one_d(X, {"det": PEAK}))
    assert [line.split(":")[0].strip() for line in h.lines] == ["maxval", "minval", "com", "peak"]
    num = r"-?\d+(\.\d+)?(e[+-]\d+)?"
    assert re.fullmatch(rf"   maxval: At x = 1\.\d{{4}} \(maxpos\), det maxval = {num}", h.lines[0])
    assert re.fullmatch(rf"   minval: At x = -?\d\.\d{{4}} \(minpos\), det minval = {num}", h.lines[1])
    assert re.fullmatch(rf"      com: At x = 1\.\d{{4}} \(com\), det stddev = {num}", h.lines[2])
    assert re.fullmatch(
        rf"     peak: At x = 1\.(29|30|31)\d\d \(pos\), det offset = {num}, top = {num}, fwhm = 0\.\d+, residual = {num}",
        h.lines[3],
    ), h.lines[3]

    peak = h.namespace["peak"]
    assert isinstance(peak, ScanDataProcessorResult)
    assert peak.result.fwhm == pytest.approx(0.8, rel=0.05)
    assert peak.result.pos == pytest.approx(1.3, abs=0.02)
    assert peak.scn.x == pytest.approx(peak.result.pos)
    assert peak.go_target == ("x", pytest.approx(peak.result.pos))
    assert h.namespace["maxval"].result.maxpos == pytest.approx(1.3, abs=0.1)
    assert h.namespace["maxval"].go_target[0] == "x"
    assert "peak.result.fwhm = " in repr(peak)
    assert h.collector.go_target(peak) == peak.go_target
    assert h.collector.go_target(0.5) == ("x", 0.5)


def test_results_for_the_file_and_the_png(h):
    docs = h.run(one_d(X, {"det": PEAK}))
    ((start, results),) = h.stored
    assert start is docs[0]
    assert [r.processor for r in results] == ["maxval", "minval", "com", "peak"]
    peak = results[3]
    assert peak.program == "gda_bridge.analysis" and peak.version
    assert peak.inputs["x"] == "x" and peak.inputs["y"] == "det" and peak.inputs["points"] == X.size
    assert set(peak.results) == {"pos", "offset", "top", "fwhm", "residual"}
    assert all(isinstance(v, float) for v in peak.results.values())

    png = h.tmp_path / "1.png"
    assert h.collector.last_plot == png
    data = png.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 5000
    from matplotlib.image import imread

    assert imread(png).shape[:2] == (480, 880)  # the legend beside the axes


def test_flat_data_prints_there_is_no_peak_and_go_refuses(h):
    h.run(one_d(X, {"det": noisy(np.full(X.size, 50.0), 3)}))
    assert h.lines[3] == "     peak: There is no peak"
    with pytest.raises(AnalysisError, match="peak has no position to go to: There is no peak"):
        h.collector.go_target(h.namespace["peak"])
    assert h.stored[0][1][3].results == {"message": "There is no peak"}
    assert h.lines[0].startswith("   maxval: At x = ")


def test_multidimensional_and_short_scans_are_skipped_with_gdas_messages(h):
    h.run(grid())
    h.run(one_d([0.5], {"det": [1.0]}))
    h.run(one_d([], {"det": []}))
    assert h.lines == [MULTIDIMENSIONAL, TOO_SHORT, TOO_SHORT]  # plotted, but for the scan with no points
    assert MULTIDIMENSIONAL == "Cannot process multidimensional scans"
    assert TOO_SHORT == "Scan too short to process sensibly"
    assert h.stored == [] and "peak" not in h.namespace


def test_previous_results_are_cleared_when_a_scan_starts(h):
    h.run(one_d(X, {"det": PEAK}))
    assert "peak" in h.namespace
    h.run(grid())
    assert "peak" not in h.namespace and "maxval" not in h.namespace


def test_a_failed_scan_is_not_processed_but_its_hooks_run(h):
    seen = []
    h.hooks.after_scan(lambda record: seen.append(record.stop.status), name="watch")
    h.run(one_d(X, {"det": PEAK}, status=ScanStatus.COMPLETED_AFTER_FAILURE))
    assert h.lines == [] and seen == [ScanStatus.COMPLETED_AFTER_FAILURE]


def test_which_detector_and_processors_per_scan_and_globally(h):
    dip = noisy(gaussian(X, -0.4, 0.5, -400.0, 600.0), 1)
    h.collector.next_scan(detector="det2", processors=["fwhm", "peak"])
    h.run(one_d(X, {"det": PEAK, "det2": dip}))
    assert [line.split(":")[0].strip() for line in h.lines] == ["fwhm", "peak"]
    assert "det2" in h.lines[1] and h.namespace["peak"].result.pos == pytest.approx(-0.4, abs=0.03)
    assert h.namespace["peak"].result.top < 0

    h.lines.clear()
    h.run(one_d(X, {"det": PEAK, "det2": dip}))  # back to the global setting: last detector column
    assert len(h.lines) == 4 and "det2 maxval" in h.lines[0]

    h.lines.clear()
    h.collector.config.processors = ("edge",)
    h.collector.config.detector = "det"
    h.run(one_d(X, {"det": PEAK, "det2": dip}, metadata={"analysis": {"processors": ["com"]}}))
    assert len(h.lines) == 1 and h.lines[0].startswith("      com: At x = ") and "det stddev" in h.lines[0]

    with pytest.raises(ValueError, match="unknown processor 'nope'"):
        h.collector.next_scan(processors=["nope"])


def test_multi_field_scannable_reports_every_scannable_at_the_feature(h):
    devices = [scannable("x", extras=("xr",)), scannable("th", fmt="%8.3f"), detector("det")]
    th = X * 10
    docs = one_d(X, {"det": PEAK}, devices=devices)
    for d in docs[1:-1]:
        d.data["xr"] = d.data["x"] + 0.001
        d.data["th"] = d.data["x"] * 10
    h.run(docs)
    peak = h.namespace["peak"]
    assert peak.scn.th == pytest.approx(10 * peak.result.pos)
    assert peak.scn.x == pytest.approx([peak.result.pos, peak.result.pos + 0.001])
    assert peak.go_target == ("x", pytest.approx(peak.result.pos))  # inputs only
    assert peak.field.xr == pytest.approx(peak.result.pos + 0.001)
    assert th.size == X.size


def test_processing_and_hooks_run_off_the_emitting_thread(h):
    release = threading.Event()
    threads = {}

    @h.hooks.after_scan
    def blocker(record: ScanRecord):
        threads["hook"] = threading.get_ident()
        assert release.wait(WAIT)
        return {"points": record.num_points}

    def report(line):
        threads.setdefault("report", threading.get_ident())
        h.lines.append(line)

    h.collector.report = report
    for d in one_d(X, {"det": PEAK}):
        h.stream.emit(d)  # returns although the hook is blocked
    assert not h.collector.wait_idle(0.05)
    assert h.collector.wait_processed(WAIT)  # the lines are out although a hook is still busy
    assert len(h.lines) == 4 and "blocker" not in h.namespace
    release.set()
    assert h.collector.wait_idle(WAIT)
    me = threading.get_ident()
    assert threads["hook"] != me and threads["report"] != me
    assert h.namespace["blocker"] == {"points": X.size}


def test_a_failing_hook_is_reported_in_one_line_and_the_others_go_on(h, caplog):
    @h.hooks.after_scan
    def broken(record):
        raise ValueError("bad thing")

    @h.hooks.after_scan
    def good(record):
        return {"answer": 42, "where": record.file_path}

    with caplog.at_level(logging.ERROR, logger="gda_bridge.analysis.hooks"):
        h.run(one_d(X, {"det": PEAK}))
    assert "Hook broken failed: ValueError: bad thing" in h.lines
    assert sum(line.startswith("     peak: At x") for line in h.lines) == 1
    (rec,) = [r for r in caplog.records if r.name == "gda_bridge.analysis.hooks"]
    assert "Traceback" in rec.getMessage() and 'raise ValueError("bad thing")' in rec.getMessage()
    assert h.namespace["good"]["answer"] == 42
    hook_results = [r for _, rs in h.stored for r in rs if r.processor == "good"]
    assert hook_results == [
        ProcessResult(
            "good",
            f"{__name__}.{good.__qualname__}",
            hook_results[0].version,
            {"file": str(h.tmp_path / "1.nxs")},
            {"answer": 42.0, "where": str(h.tmp_path / "1.nxs")},
        )
    ]
    # and the next scan still runs every hook
    h.lines.clear()
    h.run(one_d(X, {"det": PEAK}))
    assert "Hook broken failed: ValueError: bad thing" in h.lines


def test_point_hooks_see_every_point_in_order(h):
    seen = []
    h.hooks.on_point(lambda start, point: seen.append(point.index), name="points")
    h.run(one_d(X[:10], {"det": PEAK[:10]}))
    assert seen == list(range(10))


def test_live_estimate_during_a_scan(h):
    docs = one_d(X, {"det": PEAK})
    assert h.collector.live_estimate() is None
    for d in docs[: 1 + 78]:
        h.stream.emit(d)
    est = h.collector.live_estimate()
    assert est.points == 78 and est.x_column == "x" and est.y_column == "det"
    assert est.maxpos == pytest.approx(X[np.argmax(PEAK[:78])])
    assert est.cen == pytest.approx(1.3, abs=0.05)
    for d in docs[79:]:
        h.stream.emit(d)
    assert h.collector.live_estimate() is None
    assert h.collector.wait_idle(WAIT)


def test_go_with_a_number_needs_a_processed_scan(h):
    with pytest.raises(AnalysisError, match="No scan has been processed"):
        h.collector.go_target(1.0)
    with pytest.raises(AnalysisError, match="go needs a scan result"):
        h.collector.go_target("peak")


def test_default_report_goes_to_the_analysis_logger(tmp_path, caplog):
    collector = ScanProcessing(hooks=HookRegistry(), config=AnalysisConfig(save_plots=False))
    try:
        with caplog.at_level(logging.INFO, logger="gda_bridge.analysis"):
            for d in one_d(X, {"det": PEAK}):
                collector(d)
            assert collector.wait_idle(WAIT)
    finally:
        collector.close()
    msgs = [r.getMessage() for r in caplog.records if r.name == "gda_bridge.analysis"]
    assert any(re.match(r"     peak: At x = 1\.(29|30|31)\d\d \(pos\), det offset = ", m) for m in msgs), msgs
    assert collector.namespace["peak"].result.pos == pytest.approx(1.3, abs=0.02)


def test_a_missing_value_is_skipped_not_fatal(h):
    det = list(PEAK)
    det[5] = None
    h.run(one_d(X, {"det": det}))
    assert h.namespace["peak"].result.pos == pytest.approx(1.3, abs=0.02)


def test_a_stopped_scan_is_plotted_as_far_as_it_got_but_not_processed(h):
    h.run(one_d(X[:10], {"det": PEAK[:10]}, status=ScanStatus.COMPLETED_AFTER_STOP))
    assert h.lines == [] and h.stored == []
    assert h.collector.last_plot == h.tmp_path / "1.png" and h.collector.last_plot.exists()
    assert h.collector.last_plot_labels == ["det"]  # the data, no fits


def test_a_grid_of_hand_built_documents_is_mapped(h):
    h.run(grid())
    assert h.lines == [MULTIDIMENSIONAL]
    assert h.collector.last_plot == h.tmp_path / "1.png" and h.collector.last_plot.exists()
