"""``ScanProcessing``: a document-stream subscriber that gathers a scan's columns and, at the stop
document, runs GDA's processors and the user hooks off the scan thread.

On the emitting thread it only appends values to lists and hands work to executors.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, MutableMapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from gda_bridge.analysis._columns import choose_y, numeric_columns, to_arrays, xy_data
from gda_bridge.analysis._executors import Executors
from gda_bridge.analysis._hooks import (
    HOOKS,
    Hook,
    HookOutcome,
    HookRegistry,
    ScanRecord,
    hook_process_result,
    run_hook,
)
from gda_bridge.analysis._plot import NoPlot, ScanView, save_scan_plot
from gda_bridge.analysis._processors import DEFAULT_PROCESSORS, Outcome, make_processors
from gda_bridge.analysis._results import AnalysisError, ProcessResult, ScanDataProcessorResult
from gda_bridge.core.documents import Document, ScanPoint, ScanStart, ScanStatus, ScanStop

log = logging.getLogger("gda_bridge.analysis")
hooks_log = logging.getLogger("gda_bridge.analysis.hooks")

DASK_ENV = "GDA_BRIDGE_DASK_SCHEDULER"
MULTIDIMENSIONAL = "Cannot process multidimensional scans"
TOO_SHORT = "Scan too short to process sensibly"

Report = Callable[[str], None]
OnResults = Callable[[ScanStart, list[ProcessResult]], None]


def _default_report(line: str) -> None:
    log.info("%s", line)


def _default_file_path(start: ScanStart) -> str | None:
    path = start.metadata.get("file_path")
    return None if path is None else os.fspath(path)


@dataclass
class AnalysisConfig:
    """Global settings of a collector (``collector.config``; change them at any time).

    ``detector``: the column (or device) processed as y; ``None`` is the last scalar detector
    column. ``dask_scheduler``: ``"tcp://host:port"`` sends heavy hooks there; by default taken
    from ``$GDA_BRIDGE_DASK_SCHEDULER``. ``keep_arrays``: also hand array columns (frames,
    waveforms) to hooks; off by default, since it keeps every frame of the scan in memory.
    """

    processors: tuple[str, ...] = DEFAULT_PROCESSORS
    detector: str | None = None
    save_plots: bool = True
    dask_scheduler: str | None = field(default_factory=lambda: os.environ.get(DASK_ENV) or None)
    process_workers: int = 2
    keep_arrays: bool = False

    def __post_init__(self) -> None:
        self.processors = tuple(self.processors)
        make_processors(self.processors)  # reject unknown names now, not after a scan


@dataclass(frozen=True)
class LiveEstimate:
    """The running estimate during a 1-D scan: ``cen`` is the centroid of the points above half
    maximum (robust to the background and the noise in the tails), ``maxpos``/``maxval`` the
    highest point so far."""

    x_column: str
    y_column: str
    points: int
    cen: float | None
    maxpos: float
    maxval: float


@dataclass
class _Scan:
    start: ScanStart
    processors: tuple[str, ...]
    detector: str | None
    kept: tuple[str, ...]
    values: dict[str, list[Any]]
    frame_columns: tuple[str, ...] = ()
    indices: list[tuple[int, ...]] = field(default_factory=list)
    frames: dict[str, np.ndarray] = field(default_factory=dict)
    totals: dict[str, list[float]] = field(default_factory=dict)
    x_column: str | None = None
    y_column: str | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    processed: threading.Event = field(default_factory=threading.Event)


class ScanProcessing:
    """Subscribe it to a ``DocumentStream`` (``stream.subscribe(collector)``).

    After each 1-D scan of 2 or more points it runs the processors on (x, y), binds their
    ``ScanDataProcessorResult`` objects in ``namespace`` under their names, calls ``report`` with
    one line each, ``on_results(start, [ProcessResult, ...])`` for the file, and saves a PNG beside
    the scan file (``file_path(start)``; by default ``start.metadata["file_path"]``). After every
    scan it runs the after-scan hooks of ``hooks``; on every point the point hooks.
    """

    def __init__(
        self,
        namespace: MutableMapping[str, Any] | None = None,
        *,
        config: AnalysisConfig | None = None,
        report: Report | None = None,
        on_results: OnResults | None = None,
        hooks: HookRegistry | None = None,
        file_path: Callable[[ScanStart], str | None] | None = None,
    ) -> None:
        self.namespace: MutableMapping[str, Any] = {} if namespace is None else namespace
        self.config = config or AnalysisConfig()
        self.report: Report = report or _default_report
        self.on_results = on_results
        self.hooks = HOOKS if hooks is None else hooks
        self.file_path = file_path or _default_file_path
        self.results: dict[str, ScanDataProcessorResult] = {}
        self.last_scanned: str | None = None
        self.last_plot: Path | None = None
        self.last_plot_labels: list[str] = []
        self._next: dict[str, Any] = {}
        self._scan: _Scan | None = None
        self._last_processed: threading.Event | None = None
        self._executors: Executors | None = None
        self._exec_lock = threading.Lock()
        self._warmed = False

    # ----- configuration -------------------------------------------------------------------
    def next_scan(self, *, detector: str | None = None, processors: Sequence[str] | None = None) -> None:
        """Settings for the next scan only (the scan's ``metadata["analysis"]`` dict, with the
        same keys, overrides these)."""
        if processors is not None:
            make_processors(processors)
            self._next["processors"] = tuple(processors)
        if detector is not None:
            self._next["detector"] = detector

    @property
    def executors(self) -> Executors:
        with self._exec_lock:
            if self._executors is None:
                self._executors = Executors(process_workers=self.config.process_workers)
            return self._executors

    # ----- the document callback (scan thread: cheap) -----------------------------------------
    def __call__(self, doc: Document) -> None:
        if isinstance(doc, ScanStart):
            self._on_start(doc)
        elif isinstance(doc, ScanPoint):
            self._on_point(doc)
        elif isinstance(doc, ScanStop):
            self._on_stop(doc)

    def _on_start(self, start: ScanStart) -> None:
        override = {**self._next, **(start.metadata.get("analysis") or {})}
        self._next = {}
        processors = tuple(override.get("processors", self.config.processors))
        detector = override.get("detector", self.config.detector)
        kept = tuple(
            f.column
            for d in start.devices
            for f in d.fields
            if self.config.keep_arrays or f.shape in ((), None)
        )
        frame_columns = tuple(f.column for d in start.devices for f in d.fields if f.shape != ())
        scan = _Scan(start, processors, detector, kept, {c: [] for c in kept}, frame_columns)
        scan.totals = {c: [] for c in frame_columns}
        scan.y_column = choose_y(start, detector)
        if len(start.shape) <= 1 and start.axes(0):
            scan.x_column = start.axes(0)[0]
        self._scan = scan
        if not self._warmed:  # while the first scan runs, not at start-up: a session may never scan
            self._warmed = True
            self.executors.processing(_warm_up, self.config.save_plots)
        self.executors.processing(self._clear_namespace, processors)

    def _on_point(self, point: ScanPoint) -> None:
        scan = self._scan
        if scan is None or point.uid != scan.start.uid:
            return
        with scan.lock:
            for c in scan.kept:
                scan.values[c].append(point.data.get(c))
            for c in scan.frame_columns:
                _keep_frame(scan, c, point.data.get(c))
            scan.indices.append(point.indices)
        for hook in self.hooks.hooks("on_point"):
            self.executors.light(self._run_light, hook, scan.start, None, (scan.start, point))

    def _on_stop(self, stop: ScanStop) -> None:
        scan = self._scan
        if scan is None or stop.uid != scan.start.uid:
            return
        self._scan = None
        self._last_processed = scan.processed
        self.executors.processing(self._after_scan, scan, stop)

    # ----- live ------------------------------------------------------------------------------
    def live_estimate(self) -> LiveEstimate | None:
        """The estimate from the points so far of the running 1-D scan (None if there is none)."""
        scan = self._scan
        if scan is None or scan.x_column is None or scan.y_column is None:
            return None
        with scan.lock:
            xs = list(scan.values.get(scan.x_column, ()))
            ys = list(scan.values.get(scan.y_column, ()))
        try:
            x = np.asarray(xs, dtype=float)
            y = np.asarray(ys, dtype=float)
        except (TypeError, ValueError):
            return None
        keep = np.isfinite(x) & np.isfinite(y)
        x, y = x[keep], y[keep]
        if x.size == 0:
            return None
        i = int(np.argmax(y))
        weights = np.clip(y - (y.max() + y.min()) / 2.0, 0.0, None)  # the points above half maximum
        total = float(weights.sum())
        cen = float((x * weights).sum() / total) if total > 0 else None
        return LiveEstimate(scan.x_column, scan.y_column, int(x.size), cen, float(x[i]), float(y[i]))

    # ----- waiting, go, closing -------------------------------------------------------------------
    def wait_processed(self, timeout: float | None = None) -> bool:
        """Wait until the last finished scan's lines are reported, its results bound and its plot
        written (not for its hooks): what a scan command waits for before giving back the prompt."""
        event = self._last_processed
        return True if event is None else event.wait(timeout)

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Wait for the processing and hooks of finished scans; False if still busy at ``timeout``."""
        return self.executors.wait_idle(timeout)

    def go_target(self, target: object) -> tuple[str, Any]:
        """``(scannable name, position)`` for ``go <target>``: a result (``peak``) or a number, which
        moves the scannable of the last processed scan."""
        if isinstance(target, ScanDataProcessorResult):
            return target.go_target
        if isinstance(target, int | float | np.integer | np.floating):
            if self.last_scanned is None:
                raise AnalysisError(
                    f"No scan has been processed, so go does not know what to move to {target!r}"
                )
            return self.last_scanned, float(target)
        raise AnalysisError(f"go needs a scan result (peak, maxval, ...) or a position, not {target!r}")

    def close(self) -> None:
        """Wait for pending work, then stop the executors (the process pool, the Dask client)."""
        with self._exec_lock:
            ex, self._executors = self._executors, None
        if ex is not None:
            ex.close()

    # ----- off the scan thread -----------------------------------------------------------------
    def _say(self, line: str) -> None:
        try:
            self.report(line)
        except Exception:
            log.exception("the report callback failed on %r", line)

    def _clear_namespace(self, processors: tuple[str, ...]) -> None:
        for name in processors:
            if isinstance(self.namespace.get(name), ScanDataProcessorResult):
                del self.namespace[name]

    def _after_scan(self, scan: _Scan, stop: ScanStop) -> None:
        try:
            self._after_scan_steps(scan, stop)
        finally:
            scan.processed.set()

    def _after_scan_steps(self, scan: _Scan, stop: ScanStop) -> None:
        try:
            path = self.file_path(scan.start)
        except Exception:
            log.exception("file_path(start) failed; hooks get no file path")
            path = None
        columns = to_arrays(scan.values)
        indices = np.asarray(scan.indices, dtype=int).reshape(len(scan.indices), len(scan.start.shape))
        record = ScanRecord(scan.start, stop, columns, indices, path)
        for hook in self.hooks.hooks("after_scan"):
            if hook.heavy:
                self.executors.dispatch(self._run_heavy, hook, record)
            else:
                self.executors.light(self._run_light, hook, scan.start, path, (record,))
        numeric = numeric_columns(columns)
        outcomes: list[Outcome] = []
        if stop.status in (ScanStatus.COMPLETED_AFTER_FAILURE, ScanStatus.COMPLETED_AFTER_STOP):
            log.debug("scan %s ended %s: not processed", scan.start.uid, stop.status.value)
        else:
            try:
                outcomes = self._process(scan, record, numeric)
            except Exception as e:
                log.exception("processing of scan %s failed", scan.start.uid)
                self._say(f"Error processing scan: {type(e).__name__}: {e}")
        if self.config.save_plots and path and record.num_points:  # no points: the scan said why
            self._plot(scan, record, numeric, outcomes, Path(path).with_suffix(".png"))

    def _plot(
        self, scan: _Scan, record: ScanRecord, numeric: dict[str, np.ndarray], outcomes: list[Outcome], png: Path
    ) -> None:
        with scan.lock:
            frames, totals = dict(scan.frames), {c: list(t) for c, t in scan.totals.items()}
        view = ScanView(scan.start, numeric, record.indices, scan.y_column, scan.x_column, frames, totals)
        try:
            self.last_plot_labels = save_scan_plot(png, view, outcomes)
            self.last_plot = png
        except NoPlot as e:
            self._say(str(e))
        except Exception as e:
            log.exception("could not save the plot %s", png)
            self._say(f"Could not save the plot {png}: {type(e).__name__}: {e}")

    def _process(self, scan: _Scan, record: ScanRecord, numeric: dict[str, np.ndarray]) -> list[Outcome]:
        """Run the processors on a 1-D scan; their outcomes (none if it cannot be processed)."""
        if not scan.processors:
            return []
        if len(scan.start.shape) > 1:
            self._say(MULTIDIMENSIONAL)
            return []
        if record.num_points < 2:
            self._say(TOO_SHORT)
            return []
        if scan.x_column is None:
            self._say("Cannot process: the scan moves no scannable")
            return []
        if scan.y_column is None:
            what = f"no field {scan.detector!r}" if scan.detector else "no detector field"
            self._say(f"Cannot process: the scan has {what} to process")
            return []
        data = xy_data(scan.start, scan.x_column, scan.y_column, numeric)
        if data is None:
            self._say(f"Cannot process: {scan.x_column} or {scan.y_column} is not numeric")
            return []
        outcomes = [p.process(data.x, data.y) for p in make_processors(scan.processors)]
        results = [ScanDataProcessorResult(o, data) for o in outcomes]
        for r in results:
            self.namespace[r.name] = r
        self.results = {r.name: r for r in results}
        self.last_scanned = data.axis.name
        for r in results:
            self._say(r.line)
        if self.on_results is not None:
            try:
                self.on_results(scan.start, [r.process_result(int(data.x.size)) for r in results])
            except Exception as e:
                log.exception("on_results failed")
                self._say(f"Could not store the processing results: {type(e).__name__}: {e}")
        return outcomes

    def _run_light(self, hook: Hook, start: ScanStart, path: str | None, args: tuple[Any, ...]) -> None:
        self._finish_hook(hook, start, path, run_hook(hook.name, hook.func, *args))

    def _run_heavy(self, hook: Hook, record: ScanRecord) -> None:
        try:
            outcome = self.executors.run_heavy(
                run_hook, hook.name, hook.func, record, dask_scheduler=self.config.dask_scheduler
            )
        except Exception as e:
            hooks_log.exception("heavy hook %s could not run", hook.name)
            outcome = HookOutcome(hook.name, None, f"{type(e).__name__}: {e}", None)
        self._finish_hook(hook, record.start, record.file_path, outcome)

    def _finish_hook(self, hook: Hook, start: ScanStart, path: str | None, outcome: HookOutcome) -> None:
        if not outcome.ok:
            hooks_log.error(
                "hook %s failed on scan %s:\n%s",
                hook.name,
                start.scan_number,
                outcome.traceback or outcome.error,
            )
            self._say(f"Hook {hook.name} failed: {outcome.error}")
            return
        if outcome.value is None or hook.kind != "after_scan":
            return
        self.namespace[hook.name] = outcome.value
        result = hook_process_result(hook, outcome.value, path)
        if result is not None and self.on_results is not None:
            try:
                self.on_results(start, [result])
            except Exception as e:
                log.exception("on_results failed for hook %s", hook.name)
                self._say(f"Could not store the results of hook {hook.name}: {type(e).__name__}: {e}")


def _warm_up(plots: bool) -> None:
    """Import scipy (and matplotlib) on the processing thread as the first scan starts: their first
    import takes about a second, which would otherwise delay that scan's report."""
    import scipy.optimize
    import scipy.special
    import scipy.stats  # noqa: F401

    if plots:  # a first drawing also loads the fonts: a few hundred ms not spent after a scan
        import io

        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        fig = Figure(figsize=(1, 1), layout="constrained")
        FigureCanvasAgg(fig)
        fig.add_subplot().set_title("warm")
        fig.savefig(io.BytesIO(), format="png")


def _keep_frame(scan: _Scan, column: str, value: Any) -> None:
    """Keep a frame column's last frame and its total (only the last frame: a scan's frames go to
    the file, not into memory)."""
    if isinstance(value, np.ndarray) and value.ndim >= 1:
        scan.frames[column] = value
        scan.totals[column].append(float(np.nansum(value)) if value.dtype.kind in "biuf" else np.nan)
    elif column in scan.totals:
        scan.totals[column].append(np.nan)
