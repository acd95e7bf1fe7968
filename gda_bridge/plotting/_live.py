"""``LivePlot``: a document subscriber that redraws the running scan as its points arrive, at most
``1 / interval`` times a second, on its own thread (the scan thread only appends)."""

from __future__ import annotations

import logging
import os
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Literal

import numpy as np

from gda_bridge.analysis import DEFAULT_PROCESSORS, NoPlot, Outcome, ScanView, make_processors
from gda_bridge.core.documents import Document, ScanPoint, ScanStart, ScanStop
from gda_bridge.plotting._live_data import LiveData
from gda_bridge.plotting._sinks import FileSink, NotebookSink, WindowSink

log = logging.getLogger("gda_bridge.plotting")

Mode = Literal["auto", "window", "notebook", "file"]
MODES = ("auto", "window", "notebook", "file")


def default_mode() -> Literal["window", "file"]:
    """A window when there is a display and Tk, else a PNG file."""
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        return "file"
    try:
        import tkinter  # noqa: F401
    except ImportError:
        return "file"
    return "window"


def _default_report(line: str) -> None:
    log.info("%s", line)


class LivePlot:
    """Subscribe it to a scan context's stream: ``ctx.stream.subscribe(LivePlot())``.

    ``mode``: ``"window"`` (a matplotlib window, in a child process), ``"notebook"`` (an image in
    the running cell, updated in place), ``"file"`` (``path`` rewritten as the scan goes, its path
    given to ``report`` once a scan), or ``"auto"`` (a window if there is a display, else a file).
    A 1-D scan is a line with, when it ends, the ``processors``' fits; a 2-D grid an image filling
    in; a frame scan the last frame beside the per-point totals.
    """

    def __init__(
        self,
        mode: Mode = "auto",
        *,
        path: str | os.PathLike[str] | None = None,
        report: Callable[[str], None] | None = None,
        interval: float = 0.1,
        processors: Sequence[str] = DEFAULT_PROCESSORS,
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"LivePlot mode {mode!r} is not one of {', '.join(MODES)}")
        self.mode = default_mode() if mode == "auto" else mode
        self.interval = float(interval)
        self.processors = tuple(processors)
        make_processors(self.processors)  # reject unknown names now
        self.path = Path(path) if path is not None else Path(tempfile.gettempdir()) / "gda_bridge_live.png"
        self.report = report or _default_report
        if self.mode == "window":
            self.sink: FileSink | NotebookSink | WindowSink = WindowSink(self._drawn, self._window_failed)
        elif self.mode == "notebook":
            self.sink = NotebookSink()
        else:
            self.sink = FileSink(self.path, self.report)
        self._data: LiveData | None = None
        self._dirty = False
        self._closed = False
        self._cond = threading.Condition()
        self._shown: tuple[str, int, bool] | None = None  # (uid, points, done) last on screen
        self._thread: threading.Thread | None = None

    # ----- the document callback (scan thread: cheap) -----------------------------------------
    def __call__(self, doc: Document) -> None:
        if isinstance(doc, ScanStart):
            data = LiveData(doc)
            with self._cond:
                self._data = data
                self._start_thread()
        elif isinstance(doc, ScanPoint):
            data = self._data
            if data is None or data.start.uid != doc.uid:
                return
            data.add(doc)
        elif isinstance(doc, ScanStop):
            data = self._data
            if data is None or data.start.uid != doc.uid:
                return
            data.done = True
        else:
            return
        with self._cond:
            self._dirty = True
            self._cond.notify_all()

    # ----- waiting and closing -----------------------------------------------------------------
    def wait_shown(self, timeout: float | None = None) -> bool:
        """Wait until the last scan's final state (all points, the fits) is on show; False at
        ``timeout``."""
        with self._cond:
            return self._cond.wait_for(self._final_shown, timeout)

    def _final_shown(self) -> bool:
        data = self._data
        return data is None or (
            data.done and self._shown is not None and self._shown[0] == data.start.uid and self._shown[2]
        )

    def close(self) -> None:
        """Stop drawing and close the window (a file stays)."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()
            thread = self._thread
        if thread is not None:
            thread.join(timeout=10)
        self.sink.close()

    # ----- the drawing thread ---------------------------------------------------------------------
    def _start_thread(self) -> None:
        if self._thread is None and not self._closed:
            self._thread = threading.Thread(target=self._draw_loop, name="gda-live-plot", daemon=True)
            self._thread.start()

    def _draw_loop(self) -> None:
        last = 0.0
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._dirty or self._closed)
                if self._closed:
                    return
                # throttle: gather what arrives until ``interval`` after the last drawing
                self._cond.wait_for(lambda: self._closed, max(0.0, last + self.interval - time.monotonic()))
                if self._closed:
                    return
                self._dirty = False
                data = self._data
            if data is None:
                continue
            done = data.done
            view = data.view()
            try:
                outcomes = self._outcomes(view) if done else []
                last = time.monotonic()  # the throttle counts from each drawing's start
                self.sink.show(view, outcomes, done)
            except NoPlot as e:
                log.info("%s", e)
                self._drawn(view.start.uid, len(view.indices), done)
                continue
            except Exception:
                log.exception("the live plot could not draw scan %s", view.start.scan_number)
                self._drawn(view.start.uid, len(view.indices), done)
                continue
            if not isinstance(self.sink, WindowSink):
                self._drawn(view.start.uid, len(view.indices), done)

    def _drawn(self, uid: str, points: int, done: bool) -> None:
        with self._cond:
            self._shown = (uid, points, done)
            self._cond.notify_all()

    def _window_failed(self, reason: str) -> None:
        """No window after all: say why once, and draw the scan into the file instead."""
        self.report(f"{reason}; drawing the live plot to {self.path} instead")
        with self._cond:
            self.mode = "file"
            self.sink = FileSink(self.path, self.report)
            self._dirty = True
            self._cond.notify_all()

    def _outcomes(self, view: ScanView) -> list[Outcome]:
        """The processors' findings on a finished 1-D scan, for its fits and legend."""
        if len(view.start.shape) != 1 or view.x_column is None or view.y_column is None:
            return []
        x, y = view.numeric.get(view.x_column), view.numeric.get(view.y_column)
        if x is None or y is None:
            return []
        keep = np.isfinite(x) & np.isfinite(y)
        if keep.sum() < 2:
            return []
        return [p.process(x[keep], y[keep]) for p in make_processors(self.processors)]
