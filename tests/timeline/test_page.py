"""The timeline page in headless Chromium: lanes and phase colours on the screen, the hover, the
summary's numbers against the file's intervals (worked out here with h5py alone), nothing fetched."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import h5py
import pytest

from gda_bridge.timeline import PHASE_COLOURS, write_timeline_page
from gda_bridge.timeline._plot import ODD_POINT
from tests.timeline.conftest import colour_pixels, table
from tests.timeline.made_up import step_scan, write_scan_file

ROOT = Path(__file__).resolve().parents[2]
SPAN = "() => { const r = Object.values(Bokeh.index).find((v) => v.model.name === 'timeline-plot').model.x_range; return r.end - r.start; }"


@pytest.fixture(scope="module")
def scan(tmp_path_factory) -> tuple[Path, Path]:
    """A scan file and its page, drawn by the command in a subprocess."""
    folder = tmp_path_factory.mktemp("timeline")
    path = write_scan_file(folder / "bl99-7.nxs", step_scan(10))
    subprocess.run([sys.executable, "-m", "gda_bridge.cli.main", "timeline", str(path)], cwd=ROOT, check=True,
                   capture_output=True, timeout=60)
    return path, folder / "bl99-7-timeline.html"


def file_intervals(path: Path) -> tuple[list[str], list[str], list[str], list[tuple[int, ...]]]:
    with h5py.File(path, "r") as f:
        t = f["entry1/timeline"]
        names = [[s.decode() for s in t[k][()]] for k in ("lane_names", "lane_kinds", "phase_names")]
        rows = list(zip(*(t[k][()].tolist() for k in ("point", "lane", "phase", "start", "end")), strict=True))
    return names[0], names[1], names[2], rows


def covered(pairs: list[tuple[int, int]]) -> int:
    """The time covered by the intervals (the union's length)."""
    total, low, high = 0, None, None
    for s, e in sorted(pairs):
        if high is None or s > high:
            total += 0 if high is None else high - low
            low, high = s, e
        else:
            high = max(high, e)
    return total + (0 if high is None else high - low)


def lane_colours(pixels, geometry: dict, lane: int) -> set[str]:
    """The phases whose colour is in a lane's bar, inside the plot's frame: at least 3 places where
    two pixels side by side have it (a bar's antialiased edge is one pixel of a blend)."""
    y = geometry["lanes"][lane]
    half = 0.3 * (geometry["lanes"][1] - geometry["lanes"][0])  # the bar is 0.7 of a lane high
    band = pixels[round(y - half):round(y + half) + 1, round(geometry["left"]) + 1:round(geometry["right"]) - 1]
    colours = {**PHASE_COLOURS, "point (odd)": ODD_POINT}
    found = set()
    for phase, colour in colours.items():
        mask = colour_pixels(band, colour)
        if (mask[:, 1:] & mask[:, :-1]).sum() >= 3:
            found.add(phase)
    return found


def test_a_lane_per_device_and_thread_with_its_phases_colours_and_nothing_fetched(scan, open_page):
    path, page_path = scan
    lanes, _, phases, rows = file_intervals(path)
    opened = open_page(page_path.as_uri())
    assert opened.requests == [page_path.as_uri()]  # every script inline: the page fetches nothing
    assert opened.errors == []
    geometry = opened.geometry(len(lanes))
    assert geometry["lanes"] == sorted(geometry["lanes"])  # in the file's order, top to bottom
    opened.page.screenshot(path=str(page_path.with_suffix(".png")))
    pixels = opened.pixels()
    for index, lane in enumerate(lanes):
        expected = {phases[ph] for _, ln, ph, _, _ in rows if ln == index}
        if lane == "points":
            expected.add("point (odd)")  # odd points in a second shade
        assert lane_colours(pixels, geometry, index) == expected, lane
    assert lanes == ["x", "det", "points", "scan thread", "writer thread"]
    for lane in lanes:
        assert opened.page.get_by_text(lane, exact=True).count() >= 1  # in the lanes table at least


def test_hovering_a_bar_shows_its_point_lane_phase_start_and_duration(scan, open_page):
    path, page_path = scan
    lanes, _, phases, rows = file_intervals(path)
    point, lane, _, start, end = next(r for r in rows if r[0] == 3 and phases[r[2]] == "move")
    opened = open_page(page_path.as_uri())
    g = opened.geometry(len(lanes))
    middle_ms = (start + end) / 2 / 1e6
    opened.page.mouse.move(g["x0"] + (g["x1"] - g["x0"]) * middle_ms, g["lanes"][lane])
    label = opened.page.get_by_text("x \u00b7 move", exact=True)
    label.wait_for()
    tooltip = label.evaluate("""(e) => { while (e && !(e.innerText || '').includes('duration')) e = e.parentElement;
                                         return e ? e.innerText : ''; }""")
    lines = [" ".join(line.split()) for line in tooltip.splitlines() if line.strip()]
    assert lines == ["point: 3", "lane \u00b7 phase: x \u00b7 move", f"start: {start / 1e6:,.3f} ms",
                     f"duration: {(end - start) / 1e6:,.3f} ms"]


def test_the_summary_numbers_are_the_files(scan, open_page):
    path, page_path = scan
    lanes, kinds, phases, rows = file_intervals(path)
    duration = max(r[4] for r in rows) - min(r[3] for r in rows)
    opened = open_page(page_path.as_uri())

    overview = table(opened, "overview")
    collecting = covered([(s, e) for _, ln, ph, s, e in rows if kinds[ln] == "detector" and phases[ph] == "collect"])
    dead = duration - collecting
    assert overview["duration"][1] == (f"{duration / 1e6:.3f} ms", str(duration))
    assert overview["dead"][1] == (f"{dead / 1e6:.3f} ms ({dead / duration:.1%})", str(dead))
    assert overview["points"][1][0] == "10"
    assert overview["intervals"][1][0] == str(len(rows))

    by_phase = table(opened, "phases")
    assert set(by_phase) == {phases[r[2]] for r in rows}
    for name, cells in by_phase.items():
        mine = [(s, e) for _, _, ph, s, e in rows if phases[ph] == name]
        busy = covered(mine)
        assert cells[1][0] == str(len(mine))
        assert cells[2] == (f"{busy / 1e6:.3f}", str(busy)), name
        assert cells[3][0] == f"{busy / duration:.1%}"
        assert int(cells[4][1]) == sum(e - s for s, e in mine)
    busiest = [name for name in by_phase if name != "point"]
    assert set(busiest[:2]) == {"collect", "move"}  # the busiest first

    by_lane = table(opened, "lanes")
    assert list(by_lane) == lanes
    for index, name in enumerate(lanes):
        busy = covered([(s, e) for _, ln, _, s, e in rows if ln == index])
        assert by_lane[name][3] == (f"{busy / 1e6:.3f}", str(busy)), name

    per_point: dict[int, int] = {}
    for p, ln, ph, s, e in rows:
        if lanes[ln] == "points" and phases[ph] == "point":
            per_point[p] = per_point.get(p, 0) + e - s
    slowest = sorted(per_point, key=lambda p: (-per_point[p], p))
    shown = table(opened, "slowest")
    assert [int(p) for p in shown] == slowest
    assert [int(cells[1][1]) for cells in shown.values()] == [per_point[p] for p in slowest]
    worst = shown[str(slowest[0])]
    assert slowest[0] == 3 and worst[2][0].startswith("move ")  # the made-up slow move stands out


def test_a_scan_of_10000_points_is_a_page_of_a_few_megabytes_that_overviews_then_zooms_to_the_bars(
        tmp_path, open_page):
    timeline = step_scan(10_000, detectors=3)
    assert len(timeline) > 100_000
    path = write_scan_file(tmp_path / "bl99-9.nxs", timeline)
    page_path, summary = write_timeline_page(path)
    assert page_path.stat().st_size < 8_000_000
    opened = open_page(page_path.as_uri())
    assert opened.requests == [page_path.as_uri()]
    total = opened.page.evaluate("""() => [...Bokeh.documents[0].all_models].filter((m) => m.type === 'GlyphRenderer'
        && m.glyph.type === 'HBar').reduce((n, r) => n + r.data_source.get_length(), 0)""")
    assert total == len(timeline)  # every interval is in the page
    lanes = timeline.lanes
    g = opened.geometry(len(lanes))
    # the overview: each detector lane shows both its collecting and its readout, not the last drawn
    for index in (1, 2, 3):
        assert {"collect", "readout"} <= lane_colours(opened.pixels(), g, index)

    # two box zooms, to 10% and then 5% of that: 0.5% of the scan, about 50 points, drawn as bars
    for fraction in (0.1, 0.05):
        g = opened.geometry(len(lanes))
        y = (g["lanes"][0] + g["lanes"][1]) / 2
        left = g["left"] + 200
        before = opened.page.evaluate(SPAN)
        opened.page.mouse.move(left, y)
        opened.page.mouse.down()
        opened.page.mouse.move(left + (g["right"] - g["left"]) * fraction, y, steps=5)
        opened.page.mouse.up()
        opened.page.wait_for_function(f"() => ({SPAN})() < {before} * 0.5")
    opened.page.wait_for_function("""() => [...Bokeh.documents[0].all_models].some((m) => m.type === 'GlyphRenderer'
        && m.glyph.type === 'HBar' && m.visible)""")
    opened.page.wait_for_function("() => Bokeh.documents[0].is_idle")
    opened.page.evaluate("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")
    g = opened.geometry(len(lanes))
    assert g["x1"] - g["x0"] > 0.5  # zoomed: a millisecond is more than half a pixel now
    pixels = opened.pixels()
    assert lane_colours(pixels, g, 0) == {"move"}
    assert lane_colours(pixels, g, 4) == {"point", "point (odd)"}
    assert summary.points == 10_000
