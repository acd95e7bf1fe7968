"""The operator's page beyond the basics, in Debian's headless Chromium against a real server: only
the login before login; the live table inside the window at 1400 and 1024 px; hold/release and
steal; editing a queued item; times and durations; a past item's output and its scan file
downloaded; a suspension and the time left shown when the events carry them. Screenshots are saved
in the test's tmp dir."""

from __future__ import annotations

import io

import h5py
import pytest

from tests.chromium import launched_chromium
from tests.server.conftest import wait_until

pytest.importorskip("playwright.sync_api", reason="playwright is in the test extra: pip install -e .[test]")

SCAN = "scan(sm, 0, 3, 0.1, sdet, 0.05)"  # 31 points, about 3 s
WIDE, NARROW = {"width": 1400, "height": 900}, {"width": 1024, "height": 768}


@pytest.fixture
def browser():
    with launched_chromium() as chromium:
        errors: list[str] = []

        def new_page(viewport: dict):
            page = chromium.new_context(viewport=viewport, accept_downloads=True).new_page()
            page.set_default_timeout(20_000)
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.on("dialog", lambda dialog: dialog.accept())  # the page confirms stealing and stop-all
            return page

        yield new_page
        assert errors == [], f"JavaScript errors on the page: {errors}"


def _log_in(page, url: str, token: str, name: str) -> None:
    page.goto(url)
    page.fill("#token", token)
    page.click("#login")
    page.wait_for_function(f"document.getElementById('whoami').textContent.startsWith('{name} (')")
    page.wait_for_function("document.getElementById('connection').textContent === 'live'")


def _scanning(page, points: int) -> None:
    """Wait until the page shows the new scan running with ``points`` rows (not the last scan's)."""
    page.wait_for_function(f"state.scan && !state.scan.status && state.scan.points.length >= {points} "
                           f"&& document.querySelectorAll('#points tbody tr').length >= {points}")


def _inside(page, selector: str) -> dict:
    box = page.locator(selector).bounding_box()
    view = page.viewport_size
    assert box is not None, f"{selector} is not shown"
    assert box["x"] >= 0 and box["y"] >= 0, (selector, box)
    assert box["x"] + box["width"] <= view["width"] and box["y"] + box["height"] <= view["height"], (selector, box, view)
    return box


def test_before_login_only_the_login_form_is_shown(server, browser, tmp_path):
    for viewport in (WIDE, NARROW):
        page = browser(viewport)
        page.goto(server.url)
        page.wait_for_selector("#token")
        visible = page.eval_on_selector_all(
            "button, input, select, textarea, table, canvas, pre, #whoami, #connection, #baton-line",
            "els => els.filter(e => e.checkVisibility()).map(e => e.id || e.tagName)")
        assert visible == ["token", "login"], visible
        assert page.locator("#main").is_hidden() and page.locator("#logout").is_hidden()
        _inside(page, "#login-form")
        page.screenshot(path=str(tmp_path / f"login-{viewport['width']}.png"), full_page=True)


def test_the_live_table_stays_in_the_window_at_1400_and_1024_px(server, clients, tokens, browser, tmp_path):
    page = browser(WIDE)
    _log_in(page, server.url, tokens["op1"], "op1")
    page.click("#baton-take")
    page.wait_for_function("document.getElementById('baton-holder').textContent === 'op1'")
    page.fill("#submit-text", SCAN)
    page.click("#submit")
    _scanning(page, 4)
    for viewport in (WIDE, NARROW):
        page.set_viewport_size(viewport)
        page.wait_for_function(f"window.innerWidth === {viewport['width']}")
        table, plot = _inside(page, "#running-panel .table-wrap"), _inside(page, "#plot")
        assert table["width"] >= 200 and plot["width"] >= 300, (table, plot)
        _inside(page, "#abort")
        _inside(page, "#hold-queue")
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]  # no sideways scrolling
        page.screenshot(path=str(tmp_path / f"scanning-{viewport['width']}.png"), full_page=True)
    page.click("#abort")
    page.wait_for_function("document.getElementById('last-scan').textContent.includes('COMPLETED_AFTER_STOP')")


def test_hold_edit_release_steal_times_and_a_past_items_output_and_file(server, clients, tokens, browser, tmp_path):
    op1, admin = clients["op1"], clients["admin"]
    page = browser(NARROW)
    _log_in(page, server.url, tokens["op1"], "op1")
    page.click("#baton-take")
    page.wait_for_function("document.getElementById('baton-holder').textContent === 'op1'")
    page.click("#hold-queue")
    wait_until(lambda: op1.status()["queue_held"], what="the queue to be held")
    page.wait_for_selector("#release-queue:visible")
    assert page.locator("#hold-queue").is_hidden()

    page.fill("#submit-text", "print('typo')")
    page.click("#submit")
    row = page.locator("#queue tbody tr[data-id]")
    row.wait_for()
    item_id = int(row.get_attribute("data-id"))
    assert row.locator("td.time").inner_text().count(":") == 2  # submitted at HH:MM:SS
    row.locator('button[data-action="edit"]').click()
    page.fill("#queue .edit-text", "scan(fast, 0, 1, 0.25, fdet, 0.001)\nprint('edited')")
    other = op1.submit("scan fast 0 1 0.25 fdet 0.001")  # a live update re-renders the queue
    page.wait_for_selector(f'#queue tr[data-id="{other["id"]}"]')
    assert "about " in page.locator(f'#queue tr[data-id="{other["id"]}"] td.time').inner_text()  # its estimate
    page.wait_for_function("document.getElementById('queue-total').textContent.includes('about')")
    assert page.evaluate("document.activeElement.className") == "edit-text"  # still typing, nothing lost
    assert page.input_value("#queue .edit-text").endswith("print('edited')")
    page.click('#queue button[data-action="save"]')
    wait_until(lambda: op1.item(item_id)["text"] == "scan(fast, 0, 1, 0.25, fdet, 0.001)\nprint('edited')",
               what="the edit to reach the server")
    page.wait_for_selector(f'#queue tr[data-id="{item_id}"] code:has-text("print(\'edited\')")')

    page.click("#release-queue")
    page.wait_for_selector(f'#history tr[data-id="{item_id}"] td.status-completed')
    done = op1.item(item_id)
    assert done["output"][-1] == "edited"
    history_row = page.locator(f'#history tr[data-id="{item_id}"]')
    assert history_row.locator("td.duration").inner_text().endswith(" s")
    history_row.click()
    page.wait_for_function("document.getElementById('detail-output').textContent.includes('edited')")
    assert "took" in page.locator("#detail-times").inner_text()
    (number,) = done["scan_numbers"]
    link = page.locator(f'#detail-files a[data-scan="{number}"]')
    assert link.inner_text().startswith(f"scan {number}: gda-{number}.nxs (")
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename == f"gda-{number}.nxs"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert saved.read_bytes() == (server.workdir / "data" / f"gda-{number}.nxs").read_bytes()
    with h5py.File(io.BytesIO(saved.read_bytes()), "r") as f:
        assert list(f["entry1/diamond_scan/scan_shape"][()]) == [5]
    page.screenshot(path=str(tmp_path / "detail-1024.png"), full_page=True)

    # an admin sees Steal baton while op1 holds it, and takes it
    boss = browser(WIDE)
    _log_in(boss, server.url, tokens["admin"], "admin")
    assert boss.locator("#baton-take").is_hidden()
    boss.click("#baton-steal")
    boss.wait_for_function("document.getElementById('baton-holder').textContent === 'admin'")
    assert admin.baton()["holder"] == "admin"
    page.wait_for_function("document.getElementById('baton-holder').textContent === 'admin'")
    assert page.locator("#baton-steal").is_hidden() and page.locator("#hold-queue").is_disabled()
    assert boss.locator("#baton-steal").is_hidden()
    boss.locator(f'#history tr[data-id="{item_id}"]').click()
    boss.wait_for_function("document.getElementById('detail-output').textContent.includes('edited')")
    _inside(boss, f'#detail-files a[data-scan="{number}"]')
    boss.screenshot(path=str(tmp_path / "detail-1400.png"), full_page=True)


def test_a_suspension_and_the_time_left_are_shown_when_the_events_carry_them(server, clients, tokens, browser, tmp_path):
    # no scan of this server suspends yet: the events another piece of work will send are played
    # into the page's event handler while a real scan runs
    page = browser(NARROW)
    _log_in(page, server.url, tokens["op1"], "op1")
    page.click("#baton-take")
    page.wait_for_function("document.getElementById('baton-holder').textContent === 'op1'")
    page.fill("#submit-text", SCAN)
    page.click("#submit")
    _scanning(page, 2)
    assert page.locator("#scan-suspended").is_hidden() and page.locator("#scan-estimate").is_hidden()
    page.evaluate("onEvent({type: 'scan_suspended', reason: 'beam lost (ring current 0.2 mA)', time_left: 95})")
    assert page.locator("#scan-suspended").inner_text() == "suspended: beam lost (ring current 0.2 mA)"
    assert page.locator("#scan-estimate").inner_text() == "about 1 min 35 s left"
    _inside(page, "#scan-suspended")
    page.screenshot(path=str(tmp_path / "suspended-1024.png"), full_page=True)
    page.evaluate("onEvent({type: 'scan_resumed'})")
    assert page.locator("#scan-suspended").is_hidden()
    page.evaluate("onEvent({type: 'status', status: {...state.status, scan: {...state.status.scan, "
                  "suspended: true, reason: 'shutter closed', estimate: 12.5}}})")
    assert page.locator("#suspend-reason").inner_text() == "shutter closed"
    assert page.locator("#scan-estimate").inner_text() == "about 13 s left"
    page.click("#abort")
    page.wait_for_function("document.getElementById('last-scan').textContent.includes('COMPLETED_AFTER_STOP')")
    page.wait_for_function("document.getElementById('scan-line').textContent === ''")
    assert page.locator("#scan-suspended").is_hidden() and page.locator("#scan-estimate").is_hidden()
