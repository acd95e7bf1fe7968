"""The live plot the console and notebooks show: registered as a display factory, so every session
the IPython extension wires gets one where it can be seen.

In a notebook: an image in the running cell, updated in place. In a terminal with a display (X11
or Wayland, and Tk): a matplotlib window. In a terminal without one: nothing live; the post-scan
PNG's path is printed as for any scan.
"""

from __future__ import annotations

from typing import Any

from gda_bridge.plotting import LivePlot, default_mode


def live_plot(session: Any, *, notebook: bool) -> LivePlot | None:
    if notebook:
        return LivePlot(mode="notebook")
    if default_mode() == "window":
        return LivePlot(mode="window", report=session.ctx.output)
    return None
