"""Where a live plot draws: a PNG file, a notebook cell's output, or a window in its own process."""

from __future__ import annotations

import io
import logging
import os
import pickle
import struct
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from gda_bridge.analysis import Outcome, ScanView, draw_scan, figure_size

log = logging.getLogger("gda_bridge.plotting")

Report = Callable[[str], None]


def render_png(view: ScanView, outcomes: Sequence[Outcome]) -> bytes:
    """The scan so far as PNG bytes (Agg: no display, any thread). Raises NoPlot."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=figure_size(view), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    draw_scan(fig, view, outcomes)
    out = io.BytesIO()
    fig.savefig(out, format="png")
    return out.getvalue()


class FileSink:
    """Rewrites one PNG (atomically: readers never see half a file); says its path once a scan."""

    def __init__(self, path: str | os.PathLike[str], report: Report) -> None:
        self.path = Path(path)
        self.report = report
        self._told: str | None = None

    def show(self, view: ScanView, outcomes: Sequence[Outcome], done: bool) -> None:
        data = render_png(view, outcomes)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".part")
        tmp.write_bytes(data)
        os.replace(tmp, self.path)
        if self._told != view.start.uid:
            self._told = view.start.uid
            self.report(f"Live plot: {self.path}")

    def close(self) -> None:
        pass


class NotebookSink:
    """One image per scan in the notebook cell that runs it, replaced in place as points arrive
    (IPython's display handles; works in Jupyter and any front end that renders image/png)."""

    def __init__(self) -> None:
        self._handle: Any = None
        self._uid: str | None = None

    def show(self, view: ScanView, outcomes: Sequence[Outcome], done: bool) -> None:
        from IPython.display import Image, display

        image = Image(data=render_png(view, outcomes), format="png")
        if self._uid != view.start.uid or self._handle is None:
            self._uid = view.start.uid
            self._handle = display(image, display_id=True)
        else:
            self._handle.update(image)

    def close(self) -> None:
        pass


class WindowSink:
    """A matplotlib window in a child process (gda_bridge.plotting._window): the GUI's event loop
    there never waits on the scan, and the scan never waits on the GUI. The child answers each
    drawing with a line ``drawn <uid> <points> <done>``.

    A window the user closes stays closed until the next scan. A window that cannot open (no
    usable display) calls ``on_failed(reason)`` once, with the last line of its error output.
    """

    def __init__(self, on_drawn: Callable[[str, int, bool], None], on_failed: Callable[[str], None]) -> None:
        self.on_drawn = on_drawn
        self.on_failed = on_failed
        self._proc: subprocess.Popen[bytes] | None = None
        self._acks: threading.Thread | None = None
        self._uid: str | None = None  # the scan the current window shows
        self._closing = False
        self._lock = threading.Lock()

    def _start(self) -> subprocess.Popen[bytes]:
        errors = tempfile.TemporaryFile()
        proc = subprocess.Popen(
            [sys.executable, "-m", "gda_bridge.plotting._window"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=errors,
        )
        self._acks = threading.Thread(
            target=self._read_acks, args=(proc, errors), name="gda-live-acks", daemon=True
        )
        self._acks.start()
        return proc

    def _read_acks(self, proc: subprocess.Popen[bytes], errors: Any) -> None:
        assert proc.stdout is not None
        with proc.stdout:
            for line in proc.stdout:
                parts = line.decode(errors="replace").split()
                if len(parts) == 4 and parts[0] == "drawn":
                    self.on_drawn(parts[1], int(parts[2]), parts[3] == "1")
        status = proc.wait()
        with errors:
            errors.seek(0)
            lines = errors.read().decode(errors="replace").strip().splitlines()
        with self._lock:
            if self._proc is proc:
                self._proc = None
                if proc.stdin is not None:
                    try:
                        proc.stdin.close()
                    except OSError:
                        pass
        if status != 0 and not self._closing:
            last = lines[-1] if lines else f"exit status {status}"
            self.on_failed(f"the live plot window could not run: {last}")

    def show(self, view: ScanView, outcomes: Sequence[Outcome], done: bool) -> None:
        message = pickle.dumps((view, list(outcomes), done), protocol=pickle.HIGHEST_PROTOCOL)
        with self._lock:
            if self._proc is not None and self._proc.poll() is not None:  # closed; acks not yet ended
                self.on_drawn(view.start.uid, len(view.indices), done)
                return
            if self._proc is None and self._uid == view.start.uid:
                # the window was closed during this scan: no new one until the next scan
                self.on_drawn(view.start.uid, len(view.indices), done)
                return
            if self._proc is None:
                self._proc = self._start()
            self._uid = view.start.uid
            assert self._proc.stdin is not None
            try:
                self._proc.stdin.write(struct.pack(">Q", len(message)) + message)
                self._proc.stdin.flush()
            except (BrokenPipeError, OSError):
                log.info("the live plot window has gone; the next scan opens a new one")
                self.on_drawn(view.start.uid, len(view.indices), done)

    def close(self) -> None:
        with self._lock:
            proc, self._proc = self._proc, None
            self._closing = True
        if proc is None:
            return
        if proc.stdin is not None:
            try:
                proc.stdin.close()  # the window process ends at end of input
            except OSError:
                pass
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if self._acks is not None:
            self._acks.join(timeout=5)  # it closes the pipes at its end
