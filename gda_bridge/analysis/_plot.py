"""A PNG of the scanned data with the fits overlaid, drawn off-screen (matplotlib's Agg canvas)."""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np

from gda_bridge.analysis._processors import Outcome

_COLOURS = ("tab:red", "tab:green", "tab:purple", "tab:orange", "tab:brown", "tab:pink")


def save_plot(
    path_png: str | os.PathLike[str],
    x: np.ndarray,
    y: np.ndarray,
    outcomes: Sequence[Outcome],
    *,
    xlabel: str = "x",
    ylabel: str = "y",
    title: str = "",
) -> None:
    """Write the data as points, each fitted curve as a line and each found position as a dashed
    vertical line with its processor's name, to ``path_png``.

    Uses a bare ``Figure`` on an Agg canvas, not pyplot: no display and no global state, so it is
    safe on a worker thread.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    fig = Figure(figsize=(6.4, 4.2), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.plot(x, y, "o", ms=3, color="tab:blue", label=ylabel)
    if x.size:
        dense = np.linspace(float(np.min(x)), float(np.max(x)), 400)
        for colour, outcome in zip(_COLOURS * 2, outcomes, strict=False):
            if not outcome.ok:
                continue
            if outcome.fit is not None:
                ax.plot(dense, outcome.fit(dense), "-", color=colour, label=f"{outcome.processor} fit")
            ax.axvline(outcome.position, ls="--", lw=0.8, color=colour, label=f"{outcome.processor}")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.legend(fontsize="small")
    fig.tight_layout()
    fig.savefig(os.fspath(path_png), format="png")
