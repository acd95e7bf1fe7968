"""Headless Chromium (Debian's, driven by Playwright, as tests/server/test_web.py does) for the
timeline page, and the plot's geometry read from Bokeh's own views."""

from __future__ import annotations

import io

import numpy as np
import pytest

from tests.chromium import launched_chromium

#: Where the plot's frame is on the page, where each lane's centre is, and a ms-to-pixel function.
GEOMETRY = """(lanes) => {
  const v = Object.values(Bokeh.index).find((v) => v.model.name === 'timeline-plot');
  const r = v.canvas_view.el.getBoundingClientRect(), f = v.frame.bbox;
  return {left: r.left + f.left, right: r.left + f.right, top: r.top + f.top, bottom: r.top + f.bottom,
          lanes: [...Array(lanes).keys()].map((i) => r.top + v.frame.y_scale.compute(i)),
          x0: r.left + v.frame.x_scale.compute(0), x1: r.left + v.frame.x_scale.compute(1)};
}"""
RENDERED = "() => window.Bokeh && Bokeh.documents.length > 0 && Bokeh.documents[0].is_idle"
NEXT_FRAME = "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"


@pytest.fixture
def browser():
    with launched_chromium() as browser:
        yield browser


class Opened:
    """A page opened in the browser, with every request it made and every error it raised."""

    def __init__(self, page, url: str) -> None:
        self.page, self.url = page, url
        self.requests: list[str] = []
        self.errors: list[str] = []
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def open(self) -> Opened:
        self.page.goto(self.url)
        self.page.wait_for_function(RENDERED)
        self.page.evaluate(NEXT_FRAME)
        return self

    def geometry(self, lanes: int) -> dict:
        return self.page.evaluate(GEOMETRY, lanes)

    def pixels(self) -> np.ndarray:
        """The viewport as an (h, w, 3) RGB array."""
        from PIL import Image

        return np.asarray(Image.open(io.BytesIO(self.page.screenshot())).convert("RGB")).astype(int)


@pytest.fixture
def open_page(browser):
    contexts, opened = [], []

    def open_page(url: str) -> Opened:
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(30_000)
        opened.append(Opened(page, url))
        return opened[-1].open()

    yield open_page
    for context in contexts:
        context.close()
    assert [e for o in opened for e in o.errors] == [], "JavaScript errors on the page"


def colour_pixels(pixels: np.ndarray, colour: str, tolerance: int = 3) -> np.ndarray:
    """A mask of the pixels of ``colour`` ("#rrggbb")."""
    rgb = np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)])
    return np.all(np.abs(pixels - rgb) <= tolerance, axis=-1)


def table(opened, name: str) -> dict[str, list[tuple[str, str | None]]]:
    """A summary table's rows by their name: each cell's text and its value in ns."""
    rows = opened.page.eval_on_selector_all(
        f"#summary-{name} tbody tr",
        "rows => rows.map((r) => [r.dataset.name, [...r.cells].map((c) => [c.textContent, c.dataset.ns || null])])")
    return {row_name: [tuple(c) for c in cells] for row_name, cells in rows}
