"""The operator's web page, end to end: Debian's Chromium (headless) driven by Playwright against a
real server scanning simulated devices."""

from __future__ import annotations

import pytest

from gda_bridge.server.client import ServerRequestError
from tests.chromium import launched_chromium
from tests.server.conftest import wait_until

pytest.importorskip("playwright.sync_api", reason="playwright is in the test extra: pip install -e .[test]")

SCAN = "scan(sm, 0, 3, 0.1, sdet, 0.05)"  # 31 points, about 3 s


@pytest.fixture
def page(tmp_path):
    with launched_chromium() as browser:
        context = browser.new_context(viewport={"width": 1400, "height": 950})
        page = context.new_page()
        page.set_default_timeout(20_000)
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        yield page
        context.close()
        assert errors == [], f"JavaScript errors on the page: {errors}"


def _rows(page, table: str) -> list[str]:
    return page.eval_on_selector_all(f"#{table} tbody tr[data-id]", "rows => rows.map(r => r.dataset.id)")


def test_log_in_queue_watch_reorder_remove_and_abort(server, clients, tokens, page, tmp_path):
    op1 = clients["op1"]
    page.goto(server.url)
    page.fill("#token", "gdb_000000000000_" + "z" * 43)
    page.click("#login")
    page.wait_for_function("document.getElementById('login-error').textContent.includes('not known')")

    page.fill("#token", tokens["op1"])
    page.click("#login")
    page.wait_for_function("document.getElementById('whoami').textContent === 'op1 (operator)'")
    page.wait_for_function("document.getElementById('connection').textContent === 'live'")
    page.click("#baton-take")
    page.wait_for_function("document.getElementById('baton-holder').textContent === 'op1'")

    page.fill("#submit-text", SCAN)
    page.click("#submit")
    page.wait_for_function("document.querySelectorAll('#points tbody tr').length >= 3")
    scan_item = op1.status()["current"]
    assert scan_item["text"] == SCAN

    for text in ("ran.append('B')", "ran.append('C')"):
        page.fill("#submit-text", text)
        page.click("#submit")
    wait_until(lambda: len(_rows(page, "queue")) == 3, what="two items queued behind the scan")
    scan_id, b_id, c_id = (int(i) for i in _rows(page, "queue"))
    assert scan_id == scan_item["id"]
    page.click(f'#queue tr[data-id="{c_id}"] button[data-action="up"]')
    wait_until(lambda: _rows(page, "queue") == [str(scan_id), str(c_id), str(b_id)], what="C before B")
    page.click(f'#queue tr[data-id="{b_id}"] button[data-action="remove"]')
    wait_until(lambda: _rows(page, "queue") == [str(scan_id), str(c_id)], what="B removed")

    page.wait_for_function("document.querySelectorAll('#points tbody tr').length >= 6")
    page.screenshot(path=str(tmp_path / "scanning.png"), full_page=True)
    page.click("#abort")
    page.wait_for_selector(f'#history tr[data-id="{scan_id}"] td.status-aborted')
    page.wait_for_selector(f'#history tr[data-id="{c_id}"] td.status-completed')
    page.wait_for_function("document.getElementById('last-scan').textContent.includes('COMPLETED_AFTER_STOP')")
    page.screenshot(path=str(tmp_path / "aborted.png"), full_page=True)

    item = op1.item(scan_id)
    assert item["status"] == "aborted" and "Scan aborted." in item["output"]
    scan = op1.request("GET", "/api/scan/current")
    rows = page.eval_on_selector_all("#points tbody tr", "rows => rows.length")
    assert scan["status"] == "COMPLETED_AFTER_STOP" and 6 <= len(scan["points"]) < 31
    assert rows == len(scan["points"])  # the page saw every point the scan made
    assert op1.item(c_id)["status"] == "completed"
    with pytest.raises(ServerRequestError):
        op1.item(b_id)  # removed from the queue: never ran
    assert op1.wait(op1.submit("ran[-1]")["id"], timeout=10)["output"] == ["'C'"]
    assert (tmp_path / "aborted.png").stat().st_size > 10_000
