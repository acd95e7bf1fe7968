"""A scan's progress with the time left: an ipywidgets bar in Jupyter when ipywidgets is
installed, otherwise one line of text rewritten in place (``\\r``), finished with a newline."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any, TextIO

from gda_bridge.core.documents import Document, ScanPoint, ScanStart, ScanStop


def seconds_left(done: int, total: int | None, elapsed: float, estimated: float | None = None) -> float | None:
    """The time left: from the scan's estimate at first, from the mean time per point so far as
    the points come (weighted by the fraction done); None when nothing is known yet."""
    if not total or not (done or estimated is not None):
        return None
    by_rate = elapsed / done * (total - done) if done else 0.0
    weight = min(1.0, done / total) if estimated is not None else 1.0
    return weight * by_rate + (1 - weight) * max(0.0, (estimated or 0.0) - elapsed)


def describe(number: int | None, done: int, total: int | None, elapsed: float,
             estimated: float | None = None) -> str:
    """``scan 7: 12/26 points, 3 s left`` (:func:`seconds_left`)."""
    text = f"scan {number}: {done}/{total or '?'} points"
    if total and done >= total:
        return text + f", done in {elapsed:.1f} s"
    left = seconds_left(done, total, elapsed, estimated)
    return text if left is None else text + f", {left:.0f} s left"


class TextProgress:
    """The progress line on a text stream (a terminal or a notebook's output area)."""

    def __init__(self, stream: TextIO | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream
        self.clock = clock
        self._start: ScanStart | None = None
        self._t0 = 0.0
        self._done = 0
        self._shown = 0  # length of the line on screen, 0 once cleared

    def __call__(self, doc: Document) -> None:
        if isinstance(doc, ScanStart):
            self._start, self._t0, self._done = doc, self.clock(), 0
            self.show(self._line(), end="")  # the time left from the estimate, before any point
        elif isinstance(doc, ScanPoint) and self._start is not None and doc.uid == self._start.uid:
            self._done += 1
            self.show(self._line(), end="")
        elif isinstance(doc, ScanStop) and self._start is not None and doc.uid == self._start.uid:
            self.show(f"{self._line()} ({doc.status.value})", end="\n")
            self._start = None

    def _line(self) -> str:
        start = self._start
        assert start is not None
        return describe(start.scan_number, self._done, start.num_points, self.clock() - self._t0,
                        start.estimated_seconds)

    def show(self, line: str, end: str) -> None:
        stream = self.stream or sys.stdout
        stream.write("\r" + line + end)
        stream.flush()
        self._shown = 0 if end else len(line)

    def clear(self) -> None:
        """Wipe the unfinished progress line so other output starts on a clean line."""
        if self._shown:
            stream = self.stream or sys.stdout
            stream.write("\r" + " " * self._shown + "\r")
            self._shown = 0


class WidgetProgress(TextProgress):
    """The same progress as an ipywidgets bar with the line as its description."""

    def __init__(self, widgets: Any, display: Callable[[Any], None], clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(clock=clock)
        self.widgets = widgets
        self.display = display
        self._bar: Any = None
        self._label: Any = None

    def __call__(self, doc: Document) -> None:
        if isinstance(doc, ScanStart):
            self._bar = self.widgets.IntProgress(value=0, min=0, max=max(doc.num_points or 1, 1))
            self._label = self.widgets.Label()
            self.display(self.widgets.HBox([self._bar, self._label]))
        super().__call__(doc)

    def clear(self) -> None:
        """The bar is its own output: nothing to wipe."""

    def show(self, line: str, end: str) -> None:
        if self._bar is not None:
            self._bar.value = self._done
            self._label.value = line


def progress_for(notebook: bool) -> TextProgress:
    """The widget bar in a notebook with ipywidgets, else the text line."""
    if notebook:
        try:
            import ipywidgets
            from IPython.display import display
        except ImportError:
            return TextProgress()
        return WidgetProgress(ipywidgets, display)
    return TextProgress()
