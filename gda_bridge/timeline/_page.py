"""The timeline page: one self-contained HTML file (Bokeh's scripts inline, nothing fetched) with a
lane per device and thread, bars coloured by phase, and the summary as plain HTML tables."""

from __future__ import annotations

import html
import logging

from bokeh.embed import file_html
from bokeh.resources import INLINE

from gda_bridge.core.timeline import Timeline
from gda_bridge.timeline._plot import phase_colours, timeline_plot
from gda_bridge.timeline._summary import Summary, summarise

log = logging.getLogger("gda_bridge.timeline")

DEAD_TIME = ("Dead time is the part of the scan's duration (from the first interval's start to the last "
             "interval's end) in which no detector was collecting (no <code>collect</code> bar on any "
             "detector's lane): moving, reading out, writing, waiting.")


def _ms(ns: int | float) -> str:
    return f"{ns / 1e6:.3f}"


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
click a phase in the legend to dim it. A long scan is shown first as an overview (each lane's
share of time per phase in slices of the scan); zoom in for the bars.</p>
{{ super() }}
{{ summary }}
{% endblock %}
"""


def render_page(timeline: Timeline, title: str, subtitle: str = "", slowest: int = 10) -> tuple[str, Summary]:
    """The page's HTML and the summary it shows."""
    summary = summarise(timeline, slowest)
    colours = phase_colours(timeline.phases)
    plot = timeline_plot(timeline)
    page = file_html(plot, INLINE, title=f"timeline: {title}", template=_TEMPLATE, template_variables={
        "heading": f"Where the time of {title} went",
        "subtitle": subtitle, "summary": summary_html(summary, colours),
    })
    log.debug("timeline page of %s: %d intervals, %d characters", title, len(timeline), len(page))
    return page, summary
