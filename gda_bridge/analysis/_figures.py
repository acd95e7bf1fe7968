"""Drawing a scan onto a matplotlib ``Figure``: a line with fits, a map of a grid, a detector frame.

Shared by the PNG written after each scan and the live plot (gda_bridge.plotting). They take a
bare ``Figure`` (no pyplot, no global state), so they are safe on any thread; matplotlib is imported
only by whoever creates the figure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from gda_bridge.analysis._processors import Outcome

COLOURS = ("tab:red", "tab:green", "tab:purple", "tab:orange", "tab:brown", "tab:pink")
DATA_COLOUR = "tab:blue"
CMAP = "viridis"


@dataclass(frozen=True)
class Axis:
    """One axis of a map: its label and the position of each index (the scan's demands)."""

    label: str
    positions: np.ndarray


def outcome_label(outcome: Outcome) -> str:
    """``"peak: pos=1.302, fwhm=0.8012, ..."``: a processor's values, for a legend."""
    values = outcome.values or {}
    shown = ", ".join(f"{k}={values[k]:.4g}" for k in outcome.labels if k in values)
    return f"{outcome.processor}: {shown}" if shown else outcome.processor


def draw_line(
    fig: Any,
    x: np.ndarray,
    y: np.ndarray,
    outcomes: Sequence[Outcome] = (),
    *,
    xlabel: str = "x",
    ylabel: str = "y",
    title: str = "",
    ax: Any = None,
) -> list[str]:
    """Points of (x, y); each processor that found something as a dashed line at its position (and
    its fitted curve, if any) with its values in the legend. Returns the legend's labels."""
    ax = ax or fig.add_subplot()
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    ax.plot(x, y, "o-", ms=3, lw=0.8, color=DATA_COLOUR, label=ylabel)
    finite = x[np.isfinite(x)]
    dense = np.linspace(float(finite.min()), float(finite.max()), 400) if finite.size else finite
    for colour, outcome in zip(COLOURS * 2, outcomes, strict=False):
        if not outcome.ok or outcome.position is None:
            continue
        if outcome.fit is not None and dense.size:
            ax.plot(dense, outcome.fit(dense), "-", lw=1.2, color=colour)
        ax.axvline(outcome.position, ls="--", lw=1.0, color=colour, label=outcome_label(outcome))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title, fontsize="medium")
    # beside the axes, not over the data; constrained layout makes room for it
    legend = ax.legend(fontsize="x-small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return [t.get_text() for t in legend.get_texts()]


def grid_of(shape: tuple[int, ...], indices: np.ndarray, values: np.ndarray) -> np.ndarray:
    """``values`` placed at their grid ``indices`` (one row per point); cells not (yet) measured
    are NaN, so a snake or a partial scan maps correctly."""
    grid = np.full(shape, np.nan)
    n = min(len(indices), len(values))
    if n:
        grid[tuple(np.asarray(indices[:n], dtype=int).T)] = values[:n]
    return grid


def _edges(positions: np.ndarray) -> np.ndarray:
    """Cell edges half-way between positions (and half a step beyond the ends)."""
    p = np.asarray(positions, dtype=float)
    if p.size == 1:
        return np.array([p[0] - 0.5, p[0] + 0.5])
    mid = (p[:-1] + p[1:]) / 2.0
    return np.concatenate([[2 * p[0] - mid[0]], mid, [2 * p[-1] - mid[-1]]])


def draw_map(
    fig: Any, grid: np.ndarray, rows: Axis, cols: Axis, *, zlabel: str, title: str = "", ax: Any = None
) -> Any:
    """A 2-D scan's values as coloured cells at their demanded positions: the outer dimension
    up the side, the inner along the bottom. Returns the image (its data can be replaced)."""
    ax = ax or fig.add_subplot()
    mesh = ax.pcolormesh(_edges(cols.positions), _edges(rows.positions), np.ma.masked_invalid(grid), cmap=CMAP)
    ax.set_xlabel(cols.label)
    ax.set_ylabel(rows.label)
    if title:
        ax.set_title(title, fontsize="medium")
    fig.colorbar(mesh, ax=ax, label=zlabel)
    return mesh


def draw_frame(fig: Any, frame: np.ndarray, *, label: str, ax: Any = None) -> None:
    """One detector frame: an image (row 0 at the top, as a camera shows it), or a line for a
    waveform."""
    ax = ax or fig.add_subplot()
    frame = np.asarray(frame)
    if frame.ndim == 1:
        ax.plot(np.arange(frame.size), frame, "-", color=DATA_COLOUR)
        ax.set_xlabel("channel")
        ax.set_ylabel(label)
        return
    image = ax.imshow(frame, cmap=CMAP, origin="upper", interpolation="nearest", aspect="auto")
    if frame.ndim == 2:
        fig.colorbar(image, ax=ax)
    ax.set_title(label, fontsize="medium")


def can_draw_frame(frame: np.ndarray) -> bool:
    """A waveform, a 2-D frame or an RGB(A) one."""
    return frame.ndim in (1, 2) or (frame.ndim == 3 and frame.shape[-1] in (3, 4))
