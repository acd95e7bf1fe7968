"""A finished scan's timeline page from a real server: the endpoint (roles, refusals, a file
without a timeline) and the operator page's link opening it in a tab of its own, in Chromium."""

from __future__ import annotations

import h5py
import httpx
import pytest

from gda_bridge.server.client import ServerRequestError
from tests.chromium import launched_chromium

SCAN = "scan(fast, 0, 1, 0.25, fdet, 0.001)"  # 5 points


def _finished_scan(op1) -> tuple[int, int]:
    op1.baton("take")
    done = op1.wait(op1.submit(SCAN)["id"], timeout=30)
    assert done["status"] == "completed"
    (number,) = done["scan_numbers"]
    return done["id"], number


def test_an_observer_gets_a_finished_scans_timeline_page(server, clients, tokens):
    item_id, number = _finished_scan(clients["op1"])
    url = f"/api/items/{item_id}/files/{number}/timeline"
    with httpx.Client(base_url=server.url, timeout=30) as http:
        assert http.get(url).status_code == 401
        r = http.get(url, headers={"Authorization": f"Bearer {tokens['obs']}"})
        assert r.status_code == 200, r.text
        assert r.headers["content-type"].startswith("text/html")
        assert "default-src 'none'" in r.headers["content-security-policy"]  # nothing fetched, even by mistake
        page = r.text
        assert f"Where the time of gda-{number}.nxs went" in page
        assert f"Scan {number}, item {item_id}." in page
        assert str(server.workdir) not in page  # the server's folders are not shown
        for lane in ("fast", "fdet", "points", "scan thread", "writer thread"):
            assert f'<tr data-name="{lane}">' in page
        r = http.get(f"/api/items/{item_id}/files/{number + 1000}/timeline",
                     headers={"Authorization": f"Bearer {tokens['obs']}"})
        assert r.status_code == 404 and "ran no scan" in r.json()["detail"]


def test_a_file_without_a_timeline_is_refused_in_one_line(server, clients):
    op1 = clients["op1"]
    item_id, number = _finished_scan(op1)
    with h5py.File(server.workdir / "data" / f"gda-{number}.nxs", "a") as f:
        del f["entry1/timeline"]  # as a file written before timelines were
    with pytest.raises(ServerRequestError) as info:
        op1.request("GET", f"/api/items/{item_id}/files/{number}/timeline")
    assert info.value.status == 404
    assert info.value.detail.startswith(f"the file of scan {number} has no timeline")
    assert str(server.workdir) not in info.value.detail


@pytest.fixture
def chromium():
    with launched_chromium() as browser:
        yield browser


def test_the_pages_timeline_link_opens_the_scans_timeline_in_a_tab_of_its_own(server, clients, tokens, chromium,
                                                                               tmp_path):
    item_id, number = _finished_scan(clients["op1"])
    context = chromium.new_context(viewport={"width": 1400, "height": 900})
    errors: list[str] = []
    context.on("weberror", lambda e: errors.append(str(e.error)))
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(server.url)
    page.fill("#token", tokens["obs"])
    page.click("#login")
    page.wait_for_function("document.getElementById('whoami').textContent.startsWith('obs (')")
    page.wait_for_selector(f'#history tr[data-id="{item_id}"]').click()
    link = page.wait_for_selector(f'#detail-files a[data-timeline="{number}"]')
    assert link.inner_text() == "timeline"
    with context.expect_page() as opened:
        link.click()
    tab = opened.value
    requests: list[str] = []
    tab.on("request", lambda r: requests.append(r.url))
    tab.wait_for_function("() => window.Bokeh && Bokeh.documents.length > 0 && Bokeh.documents[0].is_idle")
    assert tab.url.startswith("blob:")
    assert tab.locator("h1").inner_text() == f"Where the time of gda-{number}.nxs went"
    lanes = tab.eval_on_selector_all("#summary-lanes tbody tr", "rows => rows.map((r) => r.dataset.name)")
    assert lanes == ["fast", "fdet", "points", "scan thread", "writer thread"]
    assert tab.evaluate("() => window.opener") is None  # it cannot reach the operator's page
    tab.screenshot(path=str(tmp_path / "timeline-tab.png"))
    assert requests == []  # nothing fetched once open
    assert page.locator("#detail-error").inner_text() == ""
    context.close()
    assert errors == []
