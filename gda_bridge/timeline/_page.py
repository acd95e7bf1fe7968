"""The timeline page: one self-contained HTML file (Bokeh's scripts inline, nothing fetched) with a
lane per device and thread, bars coloured by phase, and the summary as plain HTML tables."""

from __future__ import annotations

import html
import logging

import numpy as np
from bokeh.embed import file_html
from bokeh.models import ColumnDataSource, FixedTicker, HoverTool, Legend, LegendItem, Range1d
from bokeh.plotting import figure
from bokeh.resources import INLINE

from gda_bridge.core.timeline import Timeline
from gda_bridge.timeline._summary import POINT_PHASE, Summary, summarise

log = logging.getLogger("gda_bridge.timeline")

#: The colour of each phase's bars (also the legend's); phases not listed take FALLBACK in turn.
PHASE_COLOURS: dict[str, str] = {
    "point": "#c7c7c7", "move": "#1f77b4", "collect": "#2ca02c", "readout": "#ff7f0e", "read": "#17becf",
    "documents": "#9467bd", "prepare": "#8c564b", "motion": "#aec7e8", "readback": "#ffbb78",
    "scan start": "#7f7f7f", "scan end": "#bcbd22", "write": "#e377c2", "flush": "#d62728",
}
ODD_POINT = "#a8a8a8"
"""The odd points' shade of ``point``."""
FALLBACK = ("#98df8a", "#ff9896", "#c5b0d5", "#c49c94", "#f7b6d2", "#dbdb8d", "#9edae5")
DEAD_TIME = ("Dead time is the part of the scan's duration (from the first interval's start to the last "
             "interval's end) in which no detector was collecting (no <code>collect</code> bar on any "
             "detector's lane): moving, reading out, writing, waiting.")


def phase_colours(phases: tuple[str, ...]) -> dict[str, str]:
    """The colour of every phase of a timeline."""
    spare = iter(FALLBACK * (len(phases) // len(FALLBACK) + 1))
    return {name: PHASE_COLOURS.get(name) or next(spare) for name in phases}


def _ms(ns: int | float) -> str:
    return f"{ns / 1e6:.3f}"


def _plot(timeline: Timeline) -> figure:
    lanes = timeline.lanes
    colours = phase_colours(timeline.phases)
    plot = figure(
        height=max(260, 34 * len(lanes) + 110), sizing_mode="stretch_width", output_backend="webgl",
        x_axis_label="ms since the scan's start", tools="xpan,xwheel_zoom,xbox_zoom,reset,save",
        active_scroll="xwheel_zoom", active_drag="xbox_zoom", y_range=Range1d(len(lanes) - 0.5, -0.5),
        name="timeline-plot",
    )
    plot.yaxis.ticker = FixedTicker(ticks=list(range(len(lanes))))
    plot.yaxis.major_label_overrides = {i: name for i, name in enumerate(lanes)}
    plot.ygrid.grid_line_color = None
    plot.toolbar.logo = None
    items: dict[str, list] = {}
    start_ms, end_ms = timeline.start / 1e6, timeline.end / 1e6
    for lane_index, lane in enumerate(lanes):
        in_lane = timeline.lane == lane_index
        for phase_index in np.unique(timeline.phase[in_lane]):
            phase = timeline.phases[int(phase_index)]
            sel = in_lane & (timeline.phase == phase_index)
            if phase == POINT_PHASE:  # even and odd points in two shades, so that neighbours can be told apart
                parts = [(sel & (timeline.point % 2 == 0), colours[phase]), (sel & (timeline.point % 2 == 1), ODD_POINT)]
            else:
                parts = [(sel, colours[phase])]
            for part, colour in parts:
                if not part.any():
                    continue
                source = ColumnDataSource({
                    "left": start_ms[part], "right": end_ms[part], "duration": end_ms[part] - start_ms[part],
                    "point": timeline.point[part].astype(np.int32),
                })
                renderer = plot.hbar(y=lane_index, height=0.7, left="left", right="right", source=source,
                                     fill_color=colour, line_color=None, name=f"{lane} \u00b7 {phase}")
                items.setdefault(phase, []).append(renderer)
    plot.add_tools(HoverTool(tooltips=[
        ("point", "@point"), ("lane \u00b7 phase", "$name"), ("start", "@left{0,0.000} ms"),
        ("duration", "@duration{0,0.000} ms")]))
    legend = Legend(items=[LegendItem(label=phase, renderers=renderers) for phase, renderers in items.items()],
                    click_policy="hide", title="phase (click to hide)")
    plot.add_layout(legend, "right")
    if len(timeline):
        plot.x_range.start = min(0.0, float(start_ms.min()))
        plot.x_range.end = float(end_ms.max())
    return plot


def _row(cells: list[tuple[str, str | None]], name: str | None = None) -> str:
    """A table row; each cell's text and, if a number, its value in ns (``data-ns``) for readers."""
    attr = f' data-name="{html.escape(name)}"' if name is not None else ""
    tds = "".join(f'<td class="num" data-ns="{ns}">{text}</td>' if ns is not None else f"<td>{text}</td>"
                  for text, ns in cells)
    return f"<tr{attr}>{tds}</tr>"


def _breakdown(phases: tuple[tuple[str, int], ...], colours: dict[str, str]) -> str:
    return ", ".join(f'<span class="swatch" style="background:{colours.get(name, "#000")}"></span>'
                     f'<span data-phase="{html.escape(name)}" data-ns="{ns}">{html.escape(name)} {_ms(ns)} ms</span>'
                     for name, ns in phases)


def summary_html(summary: Summary, colours: dict[str, str]) -> str:
    """The summary tables (ids ``summary-overview``, ``-phases``, ``-lanes``, ``-slowest``)."""
    pct = "{:.1%}".format
    e = html.escape
    overview = "".join([
        _row([("duration", None), (f"{_ms(summary.duration_ns)} ms", str(summary.duration_ns))], "duration"),
        _row([("points", None), (str(summary.points), None)], "points"),
        _row([("intervals", None), (str(summary.intervals), None)], "intervals"),
        _row([("a detector collecting", None), (f"{_ms(summary.collecting_ns)} ms ({pct(1 - summary.dead_fraction if summary.duration_ns else 0)})",
                                                 str(summary.collecting_ns))], "collecting"),
        _row([("dead time", None), (f"{_ms(summary.dead_ns)} ms ({pct(summary.dead_fraction)})", str(summary.dead_ns))],
             "dead"),
    ])
    phases = "".join(_row([
        (f'<span class="swatch" style="background:{colours.get(p.name, "#000")}"></span>{e(p.name)}', None),
        (str(p.count), None), (_ms(p.busy_ns), str(p.busy_ns)), (pct(p.fraction), None),
        (_ms(p.total_ns), str(p.total_ns))], p.name) for p in summary.phases)
    lanes = "".join(_row([
        (e(lane.name), None), (e(lane.kind), None), (str(lane.count), None), (_ms(lane.busy_ns), str(lane.busy_ns)),
        (pct(lane.fraction), None), (_breakdown(lane.phases, colours), None)], lane.name) for lane in summary.lanes)
    slowest = "".join(_row([
        (str(s.point), None), (_ms(s.duration_ns), str(s.duration_ns)), (_breakdown(s.phases, colours), None)],
        str(s.point)) for s in summary.slowest)
    return f"""
<section id="summary">
<h2>Summary</h2>
<p class="note">Busy time: the time covered by at least one interval of the phase or lane (overlaps counted
once), so it is never more than the scan; "sum" adds every interval. {DEAD_TIME}</p>
<table id="summary-overview"><tbody>{overview}</tbody></table>
<h3>Time per phase</h3>
<table id="summary-phases"><thead><tr><th>phase</th><th>intervals</th><th>busy ms</th><th>of the scan</th>
<th>sum ms</th></tr></thead><tbody>{phases}</tbody></table>
<h3>Time per lane (device, thread)</h3>
<table id="summary-lanes"><thead><tr><th>lane</th><th>kind</th><th>intervals</th><th>busy ms</th>
<th>of the scan</th><th>its phases (busy ms)</th></tr></thead><tbody>{lanes}</tbody></table>
<h3>The slowest points</h3>
<table id="summary-slowest"><thead><tr><th>point</th><th>ms</th><th>its phases (busy ms, every lane)</th></tr>
</thead><tbody>{slowest}</tbody></table>
</section>"""


_TEMPLATE = """
{% block postamble %}<style>
body { font-family: system-ui, sans-serif; margin: 0 1.5em 2em; color: #222; }
h1 { font-size: 1.3em; margin: 0.8em 0 0.2em; } h2 { font-size: 1.15em; } h3 { font-size: 1em; margin-top: 1.2em; }
.note { color: #555; max-width: 70em; }
table { border-collapse: collapse; margin: 0.3em 0; } td, th { padding: 2px 10px; border-bottom: 1px solid #ddd; }
th { text-align: left; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.swatch { display: inline-block; width: 0.8em; height: 0.8em; margin-right: 0.3em; vertical-align: middle; }
</style>{% endblock %}
{% block contents %}
<h1>{{ heading | e }}</h1>
<p class="note">{{ subtitle | e }} One lane per device, then the points, the scan thread and the file writer;
bars are coloured by phase. Wheel: zoom the time axis; drag: zoom into a box; hover a bar for its numbers;
click a phase in the legend to hide it.</p>
{{ super() }}
{{ summary }}
{% endblock %}
"""


def render_page(timeline: Timeline, title: str, subtitle: str = "", slowest: int = 10) -> tuple[str, Summary]:
    """The page's HTML and the summary it shows."""
    summary = summarise(timeline, slowest)
    colours = phase_colours(timeline.phases)
    plot = _plot(timeline)
    page = file_html(plot, INLINE, title=f"timeline: {title}", template=_TEMPLATE, template_variables={
        "heading": f"Where the time of {title} went",
        "subtitle": subtitle, "summary": summary_html(summary, colours),
    })
    log.debug("timeline page of %s: %d intervals, %d characters", title, len(timeline), len(page))
    return page, summary
