"""The operator's page after "Log out": nothing of the previous user stays on it (token field,
queue, history, output, scan table)."""

from __future__ import annotations

from tests.server.test_web import page  # noqa: F401  (the Chromium page fixture)

VISIBLE = """() => ({
    token: document.getElementById('token').value,
    queue: document.querySelectorAll('#queue tbody tr').length,
    history: document.querySelectorAll('#history tbody tr').length,
    points: document.querySelectorAll('#points tbody tr').length,
    output: document.getElementById('output').textContent,
    lastScan: document.getElementById('last-scan').textContent,
})"""


def test_logging_out_clears_the_token_and_what_the_previous_user_saw(server, clients, tokens, page):  # noqa: F811
    op1 = clients["op1"]
    op1.baton("take")
    done = op1.wait(op1.submit("scan(fast, 0, 1, 0.5, fdet, 0.01)")["id"], timeout=30)
    running = op1.submit_script("import time\nprint('secret output')\nwhile True:\n    time.sleep(0.01)\n")
    op1.hold(True)
    op1.submit("ran.append('queued')")
    page.goto(server.url)
    page.fill("#token", tokens["op1"])
    page.click("#login")
    page.wait_for_selector(f'#history tr[data-id="{done["id"]}"]')
    page.wait_for_function("document.querySelectorAll('#queue tbody tr').length === 2")
    page.wait_for_function("document.getElementById('output').textContent.includes('secret output')")
    before = page.evaluate(VISIBLE)
    assert before["points"] == 3 and before["lastScan"]

    page.click("#logout")
    page.wait_for_selector("#login-panel:not([hidden])")
    assert page.evaluate(VISIBLE) == {"token": "", "queue": 0, "history": 0, "points": 0, "output": "", "lastScan": ""}
    assert page.evaluate("sessionStorage.getItem('gda-token')") is None
    op1.control("abort")
    op1.wait(running["id"], timeout=10)
    for item in op1.queue():
        op1.remove(item["id"])
    op1.hold(False)
