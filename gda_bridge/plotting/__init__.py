"""Live plots of the running scan, as a document subscriber: a matplotlib window in the console,
an image updated in place in a notebook, or a PNG file rewritten as the scan goes.

matplotlib is imported when the first plot is drawn, not by importing this package.
See docs/analysis.md ("Plots").
"""

from gda_bridge.plotting._live import MODES, LivePlot, default_mode

__all__ = ["MODES", "LivePlot", "default_mode"]
