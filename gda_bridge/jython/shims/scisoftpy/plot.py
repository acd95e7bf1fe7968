"""``dnp.plot``: scisoftpy's plot calls drawn with matplotlib.

Where they go: with a plot folder (``GDA_BRIDGE_PLOT_DIR`` or ``dnp.plot.setdir(path)``) each
plot view is saved as ``<folder>/<view name>.png`` after every call; otherwise, with a display, a
matplotlib window per view; otherwise nothing is drawn and one warning says so.
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger("gda_bridge.jython")

DEFAULT_VIEW = "Plot 1"
_state: dict[str, Any] = {"dir": None, "warned": False}
_views: dict[str, dict[str, Any]] = {}


def setdir(path: str | os.PathLike[str] | None) -> None:
    """Save plots as PNG files in ``path`` (None: back to the default)."""
    _state["dir"] = None if path is None else Path(path).expanduser()


def _target() -> tuple[str, Path | None]:
    folder = _state["dir"] or (Path(os.environ["GDA_BRIDGE_PLOT_DIR"]) if os.environ.get("GDA_BRIDGE_PLOT_DIR") else None)
    if folder is not None:
        return "file", folder
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return "window", None
    if not _state["warned"]:
        _state["warned"] = True
        log.warning("scisoftpy.plot: no display and no plot folder, so plots are not drawn "
                    "(set GDA_BRIDGE_PLOT_DIR or call dnp.plot.setdir(path) to save them as PNG files)")
    return "none", None


def _as_list(y: Any) -> list[Any]:
    if isinstance(y, dict):
        return list(y.values())
    if isinstance(y, list | tuple) and y and np.ndim(y[0]) >= 1:
        return list(y)
    return [y]


def line(x: Any, y: Any = None, title: str | None = None, name: str | None = None) -> None:
    """Plot lines: ``line(y)``, ``line(x, y)`` or ``line(x, [y1, y2, ...])``; replaces the view's lines."""
    _lines(x, y, title, name, add=False)


def addline(x: Any, y: Any = None, title: str | None = None, name: str | None = None) -> None:
    """Add lines to the view's plot."""
    _lines(x, y, title, name, add=True)


updateline = addline


def points(x: Any, y: Any = None, title: str | None = None, name: str | None = None, size: int = 0) -> None:
    """Plot points (markers without lines)."""
    view = _view(name)
    xs, ys = (np.arange(np.size(x)), x) if y is None else (x, y)
    view["items"] = [("points", np.asarray(xs), np.asarray(ys))]
    view["title"] = title
    _draw(view)


def image(im: Any, x: Any = None, y: Any = None, name: str | None = None, resetaxes: bool = True) -> None:
    """Show a 2-D array as an image."""
    arr = np.asarray(im)
    if arr.ndim != 2:
        raise ValueError(f"dnp.plot.image: expected a 2-D array, got shape {arr.shape}")
    view = _view(name)
    view["items"] = [("image", arr, (x, y))]
    view["title"] = None
    _draw(view)


def clear(name: str | None = None) -> None:
    """Empty the view."""
    view = _view(name)
    view["items"] = []
    view["title"] = None
    _draw(view)


def _lines(x: Any, y: Any, title: str | None, name: str | None, add: bool) -> None:
    if y is None:
        ys = _as_list(x)
        xs = [np.arange(np.size(v)) for v in ys]
    else:
        ys = _as_list(y)
        xs = [np.asarray(x)] * len(ys)
    view = _view(name)
    items = [("line", np.asarray(a), np.asarray(b)) for a, b in zip(xs, ys, strict=True)]
    view["items"] = (view["items"] if add else []) + items
    if title is not None or not add:
        view["title"] = title
    _draw(view)


def _view(name: str | None) -> dict[str, Any]:
    key = name or DEFAULT_VIEW
    return _views.setdefault(key, {"name": key, "items": [], "title": None})


def _draw(view: dict[str, Any]) -> None:
    kind, folder = _target()
    if kind == "none":
        return
    if kind == "file":
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        fig = Figure(figsize=(6.4, 4.8))
        FigureCanvasAgg(fig)
        _fill(fig, view)
        folder.mkdir(parents=True, exist_ok=True)
        fig.savefig(folder / f"{re.sub(r'[^A-Za-z0-9_.-]', '_', view['name'])}.png", dpi=80)
        return
    import matplotlib.pyplot as plt

    fig = plt.figure(view["name"])
    fig.clf()
    _fill(fig, view)
    plt.show(block=False)
    plt.pause(0.001)


def _fill(fig: Any, view: dict[str, Any]) -> None:
    ax = fig.add_subplot()
    for kind, a, b in view["items"]:
        if kind == "line":
            ax.plot(a, b)
        elif kind == "points":
            ax.plot(a, b, "o")
        else:
            ax.imshow(a, origin="lower", aspect="auto")
    ax.set_title(view["title"] or view["name"])
