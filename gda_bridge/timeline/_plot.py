"""The timeline's plot (Bokeh): a lane per device and thread, a bar per interval coloured by phase.

A long scan has far more intervals than the plot has pixels, and bars narrower than a pixel hide
one another (the last drawn wins). So when there are more than ``DETAIL_LIMIT`` intervals, the
plot starts with an *overview*: the scan cut into ``BINS`` slices, each lane's slice stacked by
the share of it each phase took. Zooming in until a lane holds about one interval per 3 pixels
swaps in the bars themselves.
"""

from __future__ import annotations

import numpy as np
from bokeh.models import (
    BasicTickFormatter,
    ColumnDataSource,
    CustomJS,
    FixedTicker,
    HoverTool,
    Legend,
    LegendItem,
    Range1d,
)
from bokeh.plotting import figure

from gda_bridge.core.timeline import Timeline

POINT_PHASE = "point"
#: The colour of each phase's bars (also the legend's); phases not listed take FALLBACK in turn.
PHASE_COLOURS: dict[str, str] = {
    "point": "#c7c7c7", "move": "#1f77b4", "collect": "#2ca02c", "readout": "#ff7f0e", "read": "#17becf",
    "documents": "#9467bd", "prepare": "#8c564b", "motion": "#aec7e8", "readback": "#ffbb78",
    "scan start": "#7f7f7f", "scan end": "#bcbd22", "write": "#e377c2", "flush": "#d62728",
}
ODD_POINT = "#a8a8a8"
"""The odd points' shade of ``point``, so that neighbouring points can be told apart."""
FALLBACK = ("#98df8a", "#ff9896", "#c5b0d5", "#c49c94", "#f7b6d2", "#dbdb8d", "#9edae5")
DETAIL_LIMIT = 5000
BINS = 500
BAR = 0.7
"""A lane's bar height (lanes are 1 apart)."""


def phase_colours(phases: tuple[str, ...]) -> dict[str, str]:
    """The colour of every phase of a timeline."""
    spare = iter(FALLBACK * (len(phases) // len(FALLBACK) + 1))
    return {name: PHASE_COLOURS.get(name) or next(spare) for name in phases}


def _covered(start: np.ndarray, end: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """For each slice between ``edges``: the summed time of the intervals inside it (clipped)."""
    s, e = np.sort(start), np.sort(end)
    s_sum, e_sum = np.r_[0.0, np.cumsum(s)], np.r_[0.0, np.cumsum(e)]
    ns, ne = np.searchsorted(s, edges), np.searchsorted(e, edges)
    # at time t: sum over started intervals of (t - start) minus over ended ones of (t - end)
    integral = edges * ns - s_sum[ns] - (edges * ne - e_sum[ne])
    return np.diff(integral)


def _figure(timeline: Timeline, lo: float, hi: float) -> figure:
    lanes = timeline.lanes
    pad = max((hi - lo) * 0.02, 1e-3)
    plot = figure(
        height=max(260, 34 * len(lanes) + 110), sizing_mode="stretch_width", output_backend="webgl",
        x_axis_label="ms since the scan's start", tools="xpan,xwheel_zoom,xbox_zoom,reset,save",
        active_scroll="xwheel_zoom", active_drag="xbox_zoom", y_range=Range1d(len(lanes) - 0.5, -0.5),
        x_range=Range1d(lo, hi, bounds=(lo - pad, hi + pad)), name="timeline-plot",
    )
    plot.xaxis.formatter = BasicTickFormatter(use_scientific=False)
    plot.yaxis.ticker = FixedTicker(ticks=list(range(len(lanes))))
    plot.yaxis.major_label_overrides = {i: name for i, name in enumerate(lanes)}
    plot.ygrid.grid_line_color = None
    plot.toolbar.logo = None
    return plot


def _bars(plot: figure, timeline: Timeline, colours: dict[str, str], items: dict[str, list]) -> list:
    """A renderer per lane and phase (its name "lane · phase", shown on hover)."""
    start_ms, end_ms = timeline.start / 1e6, timeline.end / 1e6
    renderers = []
    for lane_index, lane in enumerate(timeline.lanes):
        in_lane = timeline.lane == lane_index
        for phase_index in np.unique(timeline.phase[in_lane]):
            phase = timeline.phases[int(phase_index)]
            sel = in_lane & (timeline.phase == phase_index)
            parts = [(sel, colours[phase])]
            if phase == POINT_PHASE:
                parts = [(sel & (timeline.point % 2 == 0), colours[phase]), (sel & (timeline.point % 2 != 0), ODD_POINT)]
            for part, colour in parts:
                if not part.any():
                    continue
                source = ColumnDataSource({
                    "left": start_ms[part], "right": end_ms[part], "duration": end_ms[part] - start_ms[part],
                    "point": timeline.point[part].astype(np.int32),
                })
                renderer = plot.hbar(y=lane_index, height=BAR, left="left", right="right", source=source,
                                     fill_color=colour, line_color=None, muted_alpha=0.1,
                                     name=f"{lane} \u00b7 {phase}")
                items.setdefault(phase, []).append(renderer)
                renderers.append(renderer)
    return renderers


def _overview(plot: figure, timeline: Timeline, colours: dict[str, str], items: dict[str, list],
              lo: float, hi: float) -> list:
    """Per lane and slice of the scan, each phase's share of the slice as a stacked bar."""
    edges_ms = np.linspace(lo, hi, BINS + 1)
    edges = edges_ms * 1e6
    width = np.diff(edges)
    renderers = []
    for lane_index, lane in enumerate(timeline.lanes):
        in_lane = timeline.lane == lane_index
        phases = [int(p) for p in np.unique(timeline.phase[in_lane])]
        shares = np.array([_covered(timeline.start[in_lane & (timeline.phase == p)].astype(float),
                                    timeline.end[in_lane & (timeline.phase == p)].astype(float), edges) / width
                           for p in phases]).reshape(len(phases), BINS)
        shares /= np.maximum(shares.sum(axis=0), 1.0)  # phases overlapping in a lane: never more than the bar
        base = np.full(BINS, lane_index + BAR / 2)  # the bar's bottom on the screen (the y axis runs down)
        for row, phase_index in enumerate(phases):
            phase = timeline.phases[phase_index]
            keep = shares[row] > 0
            height = shares[row] * BAR
            # each slice reaches half a slice under the next, so that their antialiased edges (slices
            # are a few pixels wide) do not leave a seam of paler pixels between them
            source = ColumnDataSource({
                "left": edges_ms[:-1][keep], "right": edges_ms[1:][keep], "bottom": base[keep],
                "top": (base - height)[keep], "share": shares[row][keep],
                "reach": (edges_ms[1:] + (edges_ms[1] - edges_ms[0]) / 2)[keep],
            })
            base = base - height
            renderer = plot.quad(left="left", right="reach", bottom="bottom", top="top", source=source,
                                 fill_color=colours[phase], line_color=None, muted_alpha=0.1,
                                 name=f"{lane} \u00b7 {phase}")
            items.setdefault(phase, []).append(renderer)
            renderers.append(renderer)
    return renderers


def timeline_plot(timeline: Timeline) -> figure:
    """The plot of a timeline: bars, or an overview until zoomed in (module docstring)."""
    colours = phase_colours(timeline.phases)
    lo = float(timeline.start.min()) / 1e6 if len(timeline) else 0.0  # the first mark may come well after the origin
    hi = float(timeline.end.max()) / 1e6 if len(timeline) else 1.0
    hi = max(hi, lo + 1e-3)
    plot = _figure(timeline, lo, hi)
    items: dict[str, list] = {}
    bars = _bars(plot, timeline, colours, items)
    plot.add_tools(HoverTool(renderers=bars, description="hover: a bar's numbers", tooltips=[
        ("point", "@point"), ("lane \u00b7 phase", "$name"), ("start", "@left{0,0.000} ms"),
        ("duration", "@duration{0,0.000} ms")]))
    if len(timeline) > DETAIL_LIMIT:
        overview = _overview(plot, timeline, colours, items, lo, hi)
        plot.add_tools(HoverTool(renderers=overview, description="hover: a slice's shares", tooltips=[
            ("lane \u00b7 phase", "$name"), ("from", "@left{0,0.000} ms"), ("to", "@right{0,0.000} ms"),
            ("share of the slice", "@share{0.0%}")]))
        # bars once a lane holds no more than a bar per 3 pixels of the plot on average
        density = len(timeline) / len(timeline.lanes) / (hi - lo)  # intervals per lane and ms
        for renderer in bars:
            renderer.visible = False
        plot.x_range.js_on_change("start", CustomJS(
            args={"bars": bars, "overview": overview, "density": density, "plot": plot}, code="""
            const detail = density * (cb_obj.end - cb_obj.start) <= Math.max(plot.inner_width, 300) / 3;
            if (bars.length && bars[0].visible !== detail) {
                for (const r of bars) r.visible = detail;
                for (const r of overview) r.visible = !detail;
            }"""))
    legend = Legend(items=[LegendItem(label=phase, renderers=renderers) for phase, renderers in items.items()],
                    click_policy="mute", title="phase (click to dim)")
    plot.add_layout(legend, "right")
    return plot
