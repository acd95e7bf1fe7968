"""A scan's timeline drawn and summed up (docs/timeline.md "Drawing it"): where its time went.

Reads the file's ``/entry1/timeline`` through :mod:`gda_bridge.nexus.timeline`; the page is
self-contained HTML (Bokeh, inline).
"""

from gda_bridge.timeline._files import (
    TimelineError,
    default_output,
    load_timeline,
    timeline_page,
    write_timeline_page,
)
from gda_bridge.timeline._page import DEAD_TIME, render_page, summary_html
from gda_bridge.timeline._plot import DETAIL_LIMIT, PHASE_COLOURS, phase_colours, timeline_plot
from gda_bridge.timeline._summary import (
    LaneTime,
    PhaseTime,
    SlowPoint,
    Summary,
    busy_ns,
    summarise,
    text_lines,
)

__all__ = [
    "DEAD_TIME", "DETAIL_LIMIT", "PHASE_COLOURS", "LaneTime", "PhaseTime", "SlowPoint", "Summary", "TimelineError", "busy_ns",
    "default_output", "load_timeline", "phase_colours", "render_page", "summarise", "summary_html", "text_lines",
    "timeline_page", "timeline_plot", "write_timeline_page",
]
