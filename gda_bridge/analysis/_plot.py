"""The PNG of a finished scan, chosen by its kind: a line (1-D), a map (2-D grid), or a detector's
last frame beside the per-point totals (frame scans). Drawn off-screen on matplotlib's Agg canvas.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gda_bridge.analysis._figures import Axis, can_draw_frame, draw_frame, draw_line, draw_map, grid_of
from gda_bridge.analysis._processors import Outcome
from gda_bridge.core.documents import ScanStart


class NoPlot(Exception):
    """The scan cannot be plotted; the message says why, in one line."""


@dataclass
class ScanView:
    """What a plot needs of a scan: numeric scalar columns, grid indices (one row per point), each
    frame column's last frame and per-point totals, and the x/y columns chosen for processing."""

    start: ScanStart
    numeric: Mapping[str, np.ndarray]
    indices: np.ndarray
    y_column: str | None
    x_column: str | None = None
    frames: Mapping[str, np.ndarray] = field(default_factory=dict)
    totals: Mapping[str, Sequence[float]] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return f"Scan {self.start.scan_number}: {self.start.command}"

    def axis(self, dimension: int) -> Axis:
        """The dimension's first moved field and its demands; the index if there are none."""
        n = self.start.shape[dimension]
        for d in self.start.devices:
            if d.role == "scannable" and d.dimension == dimension:
                for f in d.fields:
                    if f.role == "input" and f.demands is not None and len(f.demands) == n:
                        try:
                            return Axis(f.column, np.asarray(f.demands, dtype=float))
                        except (TypeError, ValueError):
                            break
        return Axis(f"index {dimension}", np.arange(n, dtype=float))

    def x_values(self) -> tuple[str, np.ndarray]:
        """The 1-D x axis: the processed column, else the demands, else the point number."""
        if self.x_column is not None and self.x_column in self.numeric:
            return self.x_column, self.numeric[self.x_column]
        axis = self.axis(0)
        return axis.label, axis.positions[self.indices[:, 0]] if len(self.indices) else axis.positions[:0]


def save_scan_plot(png: str | os.PathLike[str], view: ScanView, outcomes: Sequence[Outcome] = ()) -> list[str]:
    """Draw the scan as its kind needs and write ``png``; returns the legend's labels (1-D).
    Raises ``NoPlot`` when there is nothing it can draw."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=figure_size(view), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    labels = draw_scan(fig, view, outcomes)
    fig.savefig(os.fspath(png), format="png")
    return labels


def figure_size(view: ScanView) -> tuple[float, float]:
    """A row per frame column (its frame beside its totals), and one for the processed column;
    without frames, room for the legend beside the axes."""
    rows = len(_frame_columns(view))
    if rows == 0:
        return (8.8, 4.8)
    return (10.0, 4.2 * (rows + (view.y_column is not None)))


def _frame_columns(view: ScanView) -> list[str]:
    return [c for c, f in view.frames.items() if can_draw_frame(np.asarray(f))]


def draw_scan(fig: Any, view: ScanView, outcomes: Sequence[Outcome] = ()) -> list[str]:
    """Draw the scan onto an empty ``fig``: a line (1-D) or a map (2-D) of the processed column
    with its fits, and for each frame column its last frame beside its per-point totals; returns
    the legend's labels of the processed column. Raises ``NoPlot`` saying why it cannot."""
    dims = len(view.start.shape)
    if dims > 2:
        raise NoPlot(f"No plot: scans of {dims} dimensions are not plotted (only 1-D and 2-D)")
    if len(view.indices) == 0:
        raise NoPlot("No plot: the scan recorded no points")
    frame_columns = _frame_columns(view)
    if not frame_columns and view.y_column is None and view.frames:
        shapes = ", ".join(f"{c} {np.shape(f)}" for c, f in view.frames.items())
        raise NoPlot(f"No plot: frames of shape {shapes} cannot be drawn")
    y = None if view.y_column is None else view.numeric.get(view.y_column)
    if not frame_columns:
        if view.y_column is None:
            raise NoPlot("No plot: the scan has no numeric detector column")
        if y is None:
            raise NoPlot(f"No plot: {view.y_column} is not numeric")
        return _draw_values(fig, view, y, view.y_column, outcomes, None, title=view.title)
    grid = fig.add_gridspec(len(frame_columns) + (y is not None), 2)
    for row, column in enumerate(frame_columns):
        frame_ax, totals_ax = fig.add_subplot(grid[row, 0]), fig.add_subplot(grid[row, 1])
        draw_frame(fig, np.asarray(view.frames[column]), label=f"{column}: last frame", ax=frame_ax)
        totals = np.asarray(view.totals.get(column, ()), dtype=float)
        _draw_values(fig, view, totals, f"{column} total", (), totals_ax)
    fig.suptitle(view.title, fontsize="medium")
    if y is None:
        return []
    assert view.y_column is not None
    return _draw_values(fig, view, y, view.y_column, outcomes, fig.add_subplot(grid[-1, :]))


def _draw_values(
    fig: Any,
    view: ScanView,
    values: np.ndarray,
    label: str,
    outcomes: Sequence[Outcome],
    ax: Any,
    title: str = "",
) -> list[str]:
    if len(view.start.shape) == 2:
        grid = grid_of(view.start.shape, view.indices, values)
        draw_map(fig, grid, view.axis(0), view.axis(1), zlabel=label, title=title, ax=ax)
        return []
    xlabel, x = view.x_values()
    n = min(len(x), len(values))
    return draw_line(fig, x[:n], values[:n], outcomes, xlabel=xlabel, ylabel=label, title=title, ax=ax)


def save_plot(
    path_png: str | os.PathLike[str],
    x: np.ndarray,
    y: np.ndarray,
    outcomes: Sequence[Outcome],
    *,
    xlabel: str = "x",
    ylabel: str = "y",
    title: str = "",
) -> list[str]:
    """Write (x, y) with the processors' fits and positions (values in the legend) to ``path_png``;
    returns the legend's labels."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8.8, 4.8), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    labels = draw_line(fig, x, y, outcomes, xlabel=xlabel, ylabel=ylabel, title=title)
    fig.savefig(os.fspath(path_png), format="png")
    return labels
