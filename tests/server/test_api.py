"""The HTTP API against a real server on loopback: auth, roles, the baton, the queue, control."""

from __future__ import annotations

import httpx
import pytest

from gda_bridge.server.client import ServerRequestError
from tests.server.conftest import wait_until

LONG_SCAN = "scan(sm, 0, 4, 0.1, sdet, 0.02)"  # 41 points, about 3 s


def _refused(call, status: int) -> str:
    with pytest.raises(ServerRequestError) as info:
        call()
    assert info.value.status == status, info.value
    return info.value.detail


def _scan_points(client, at_least: int) -> dict:
    return wait_until(
        lambda: (s := client.status()["scan"]) is not None and s["points_done"] >= at_least and s,
        what=f"{at_least} points of the running scan",
    )


# --- authentication -----------------------------------------------------------------------------
def test_missing_and_wrong_tokens_get_401_and_are_logged(server, tokens):
    with httpx.Client(base_url=server.url) as http:
        r = http.get("/api/status")
        assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
        assert "Bearer" in r.json()["detail"]
        bad = tokens["op1"][:-3] + ("aaa" if not tokens["op1"].endswith("aaa") else "bbb")
        for token in (bad, "nonsense", "gdb_000000000000_" + "x" * 43):
            r = http.get("/api/queue", headers={"Authorization": f"Bearer {token}"})
            assert r.status_code == 401, token
        assert http.get("/api/health").status_code == 200
    wait_until(lambda: "401: GET /api/queue" in server.log and "unknown token" in server.log, what="the 401 log")
    assert tokens["op1"] not in server.log


def test_roles(clients):
    obs, op1, admin = clients["obs"], clients["op1"], clients["admin"]
    assert obs.whoami() == {"name": "obs", "role": "observer"}
    assert obs.status()["worker"] == "idle" and obs.queue() == []
    assert "observer" in _refused(lambda: obs.baton("take"), 403)
    assert "operator role" in _refused(lambda: obs.submit("1"), 403)
    assert "admin role" in _refused(op1.stop_all, 403)
    assert "admin role" in _refused(lambda: op1.baton("steal"), 403)
    admin.baton("take")
    assert "operator role" in _refused(lambda: obs.control("abort"), 403)


def test_the_baton(clients):
    op1, op2, admin = clients["op1"], clients["op2"], clients["admin"]
    assert "take the baton first" in _refused(lambda: op1.submit("1"), 409)
    assert op1.baton("take")["holder"] == "op1"
    assert op1.baton("take")["holder"] == "op1"  # taking it again is harmless
    assert "held by op1" in _refused(lambda: op2.baton("take"), 409)
    assert "held by op1" in _refused(lambda: op2.submit("1"), 409)
    assert "held by op1" in _refused(lambda: op2.control("pause"), 409)
    assert "not by you" in _refused(lambda: op2.baton("release"), 409)
    assert admin.baton("steal")["holder"] == "admin"
    assert "held by admin" in _refused(lambda: op1.submit("1"), 409)
    assert admin.baton("release")["holder"] is None
    assert "nobody holds" in _refused(lambda: op1.baton("release"), 409)


# --- bad requests ---------------------------------------------------------------------------------
def test_malformed_and_oversized_bodies_get_clear_4xx_and_the_server_keeps_serving(server, clients, tokens):
    clients["op1"].baton("take")
    headers = {"Authorization": f"Bearer {tokens['op1']}", "Content-Type": "application/json"}
    with httpx.Client(base_url=server.url, headers=headers) as http:
        r = http.post("/api/queue", content=b'{"kind": "command", "command": ')
        assert r.status_code == 400 and "not valid JSON" in r.json()["detail"]
        r = http.post("/api/queue", content=b"\xff\xfe not json")
        assert r.status_code == 400
        r = http.post("/api/queue", json={"kind": "command"})
        assert r.status_code == 422 and r.json()["detail"] == "command.command: Field required"
        r = http.post("/api/queue", json={"kind": "rm -rf", "command": "1"})
        assert r.status_code == 422
        r = http.post("/api/queue", json={"kind": "command", "command": "1", "extra": 1})
        assert r.status_code == 422
        r = http.post("/api/queue/1/move", json={"position": -1})
        assert r.status_code == 422
        big = b'{"kind": "command", "command": "' + b"1" * 300_000 + b'"}'
        r = http.post("/api/queue", content=big)
        assert r.status_code == 413 and "262144" in r.json()["detail"]

        def chunks():
            for _ in range(40):
                yield b" " * 10_000

        r = http.post("/api/queue", content=chunks())  # no Content-Length: counted as it streams
        assert r.status_code == 413
        assert http.get("/api/status").status_code == 200
    assert "SyntaxError" in _refused(lambda: clients["op1"].submit("scan(sm, 0, 1"), 422)
    assert "no macro 'nope'" in _refused(lambda: clients["op1"].submit_macro("nope", []), 422)
    assert clients["obs"].status()["queue_length"] == 0


# --- the queue -------------------------------------------------------------------------------------
def test_gda_command_syntax_is_accepted_in_the_queue(clients):
    op1 = clients["op1"]
    op1.baton("take")
    done = op1.wait(op1.submit("pos sm 0.2; scan sm 0 0.2 0.1 sdet 0.01")["id"], timeout=30)
    assert done["status"] == "completed", done
    assert "Move completed: sm : 0.2000 (-10:10)" in done["output"]
    assert any("scan sm 0 0.2 0.1 sdet 0.01  (3 points, about " in line for line in done["output"])
    op1.baton("release")


def test_a_command_runs_and_keeps_its_output_status_and_scan_number(clients):
    op1 = clients["op1"]
    op1.baton("take")
    item = op1.submit("scan(sm, 0, 0.3, 0.1, sdet, 0.01)")
    done = op1.wait(item["id"], timeout=30)
    assert done["status"] == "completed" and done["owner"] == "op1" and done["error"] is None
    assert len(done["scan_numbers"]) == 1
    assert any(line.startswith(f"Scan {done['scan_numbers'][0]}: scan sm 0 0.3 0.1 sdet 0.01") for line in done["output"])
    assert done["output"][-2] == "Scan complete."
    assert done["output"][-1].startswith("<ScanResult #")  # the command's value, as a console shows it
    current = op1.request("GET", "/api/scan/current")
    assert current["status"] == "COMPLETED_OKAY" and [p["sm"] for p in current["points"]] == pytest.approx(
        [0, 0.1, 0.2, 0.3])
    assert [c["role"] for c in current["columns"]] == ["axis", "detector"]


def test_a_failing_command_is_failed_with_its_error(clients):
    op1 = clients["op1"]
    op1.baton("take")
    done = op1.wait(op1.submit("pos(sm, 50)")["id"], timeout=30)
    assert done["status"] == "failed"
    assert "sm" in done["error"] and "50" in done["error"] and "-10" in done["error"]
    bad = op1.wait(op1.submit("undefined_name + 1")["id"], timeout=30)
    assert bad["status"] == "failed" and bad["error"] == "NameError: name 'undefined_name' is not defined"
    assert any("Traceback" in line for line in bad["output"])


def test_reorder_and_remove_respect_ownership(clients):
    op1, op2, admin = clients["op1"], clients["op2"], clients["admin"]
    admin.baton("take")
    admin.hold(True)
    admin.baton("release")
    op1.baton("take")
    a, b = op1.submit("ran.append('a')"), op1.submit("ran.append('b')")
    op1.baton("release")
    op2.baton("take")
    c = op2.submit("ran.append('c')")
    assert [i["id"] for i in op2.queue()] == [a["id"], b["id"], c["id"]]
    assert "belongs to op1" in _refused(lambda: op2.remove(a["id"]), 403)
    assert "belongs to op1" in _refused(lambda: op2.move(a["id"], 2), 403)
    assert [i["id"] for i in op2.move(c["id"], 0)] == [c["id"], a["id"], b["id"]]
    op2.baton("release")
    admin.baton("take")
    assert [i["id"] for i in admin.remove(a["id"])] == [c["id"], b["id"]]
    assert "no item" in _refused(lambda: admin.remove(10_000), 404)
    admin.hold(False)
    done = admin.wait(admin.submit("ran[-2:]")["id"], timeout=30)
    assert done["output"] == ["['c', 'b']"]
    assert "completed, not queued" in _refused(lambda: admin.remove(c["id"]), 409)


def test_queued_scans_say_how_long_they_should_take_and_the_queue_its_total(clients):
    admin = clients["admin"]
    admin.baton("take")
    admin.hold(True)
    try:
        grid = admin.submit("scan sm 0 1 0.5 fast 0 1 0.5 sdet 0.2")  # 9 points of 0.2 s, sm at 2 mm/s
        python_call = admin.submit("scan(sm, 0, 1, 0.1, sdet, 0.05)")
        other = admin.submit("ran.append('x')")
        queued = {i["id"]: i for i in admin.queue()}
        assert queued[grid["id"]]["estimated_seconds"] >= 9 * 0.2 + 1 / 2.0  # collection, sm's path
        assert queued[python_call["id"]]["estimated_seconds"] >= 11 * 0.05 + 1 / 2.0
        assert queued[other["id"]]["estimated_seconds"] is None  # not a scan: no guess
        total = queued[grid["id"]]["estimated_seconds"] + queued[python_call["id"]]["estimated_seconds"]
        assert admin.status()["queue_estimated_seconds"] == pytest.approx(total, abs=0.002)
        for item in (grid, python_call, other):
            admin.remove(item["id"])
    finally:
        admin.hold(False)
        admin.baton("release")


def test_a_hundred_queued_items_run_in_order(clients):
    admin = clients["admin"]
    admin.baton("take")
    admin.hold(True)
    admin.submit("order = []")
    for n in range(100):
        admin.submit(f"order.append({n})")
    last = admin.submit("order == list(range(100))")
    admin.hold(False)
    done = admin.wait(last["id"], timeout=60)
    assert done["output"] == ["True"]
    history = admin.history(102)
    assert [i["id"] for i in reversed(history)] == sorted(i["id"] for i in history)


def test_macro_by_name_with_arguments(clients):
    op1 = clients["op1"]
    op1.baton("take")
    done = op1.wait(op1.submit_macro("count_to", ["3"])["id"], timeout=30)
    assert done["status"] == "completed" and done["output"] == ["count 0", "count 1", "count 2"]
    script = op1.wait(op1.submit_script("x2 = 21 * 2\nprint('x2 is', x2)\n")["id"], timeout=30)
    assert script["output"] == ["x2 is 42"]


# --- control -------------------------------------------------------------------------------------
def test_abort_stops_the_scan_early_and_marks_the_item_aborted(clients):
    op1 = clients["op1"]
    op1.baton("take")
    item = op1.submit(LONG_SCAN)
    _scan_points(op1, 2)
    assert op1.control("abort") == "abort requested"
    done = op1.wait(item["id"], timeout=20)
    assert done["status"] == "aborted" and done["error"] == "aborted on request"
    scan = op1.request("GET", "/api/scan/current")
    assert scan["status"] == "COMPLETED_AFTER_STOP" and 2 <= len(scan["points"]) < 41
    assert "Scan aborted." in done["output"]
    assert "no scan is running" in _refused(lambda: op1.control("pause"), 409)
    assert "nothing is running" in _refused(lambda: op1.control("abort"), 409)


def test_pause_resume_and_finish_early(clients):
    op1 = clients["op1"]
    op1.baton("take")
    item = op1.submit(LONG_SCAN)
    _scan_points(op1, 1)
    op1.control("pause")
    assert op1.status()["scan"]["state"] == "paused"
    op1.control("resume")
    assert op1.status()["scan"]["state"] == "running"
    op1.control("finish-early")
    done = op1.wait(item["id"], timeout=20)
    scan = op1.request("GET", "/api/scan/current")
    assert done["status"] == "completed" and scan["status"] == "COMPLETED_EARLY" and len(scan["points"]) < 41


def test_abort_of_a_macro_between_scans(clients):
    op1 = clients["op1"]
    op1.baton("take")
    item = op1.submit_script("import time\nprint('looping')\nwhile True:\n    time.sleep(0.01)\n")
    wait_until(lambda: op1.item(item["id"])["output"] == ["looping"], what="the macro to start")
    op1.control("abort")
    done = op1.wait(item["id"], timeout=10)
    assert done["status"] == "aborted"
    after = op1.wait(op1.submit("'still serving'")["id"], timeout=10)
    assert after["output"] == ["'still serving'"]


def test_stop_all_holds_the_queue_aborts_and_stops_devices(clients):
    op1, admin = clients["op1"], clients["admin"]
    op1.baton("take")
    item = op1.submit("pos(sm, 9)")  # 4.5 s at 2 mm/s
    queued = op1.submit("ran.append('after stop')")
    wait_until(lambda: op1.status()["worker"] == "running", what="the move to start")
    assert "the queue is held" in admin.stop_all()  # no baton needed: it is the emergency stop
    done = op1.wait(item["id"], timeout=10)
    assert done["status"] == "aborted"
    status = op1.status()
    assert status["queue_held"] and op1.item(queued["id"])["status"] == "queued"
    admin.baton("steal")
    admin.hold(False)
    where = admin.wait(admin.submit("sm()")["id"], timeout=20)
    assert float(where["output"][0]) < 9  # stopped on the way
