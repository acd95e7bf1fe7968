"""A server killed mid-scan (SIGKILL) and started again on the same database."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from gda_bridge.server.client import ServerClient
from tests.server.conftest import ServerProcess, wait_until


def test_killed_mid_scan_restart_keeps_the_queue_and_marks_the_running_item_interrupted(server_dir, tokens):
    db = server_dir / "restart.sqlite"
    first = ServerProcess(server_dir, Path(tokens["_path"]), db)
    try:
        with ServerClient(first.url, tokens["op1"]) as op1:
            op1.baton("take")
            running = op1.submit("ran.append('scan'); scan(sm, 0, 4, 0.1, sdet, 0.02)")
            queued = [op1.submit(f"ran.append({n}); ran") for n in range(3)]
            wait_until(lambda: (s := op1.status()["scan"]) is not None and s["points_done"] >= 2,
                       what="the scan to be under way")
    finally:
        first.kill()
    with sqlite3.connect(db) as raw:  # what the crash left: the item still "running"
        assert raw.execute("SELECT status FROM items WHERE id = ?", (running["id"],)).fetchone() == ("running",)

    second = ServerProcess(server_dir, Path(tokens["_path"]), db)
    try:
        with ServerClient(second.url, tokens["op1"]) as op1:
            item = op1.item(running["id"])
            assert item["status"] == "interrupted" and "not run again" in item["error"]
            status = op1.status()
            assert status["queue_held"], "after a crash the queue waits for an operator"
            assert [i["id"] for i in op1.queue()] == [q["id"] for q in queued]
            assert all(i["status"] == "queued" for i in op1.queue())
            assert "marked interrupted" in second.log
            op1.baton("take")
            op1.hold(False)
            last = op1.wait(queued[-1]["id"], timeout=30)
            assert last["status"] == "completed"
            assert last["output"] == ["[0, 1, 2]"]  # the interrupted scan did not run again
            assert op1.item(running["id"])["status"] == "interrupted"
            numbers = op1.wait(op1.submit("scan(sm, 0, 0.1, 0.1, sdet)")["id"], timeout=30)["scan_numbers"]
            assert len(item["scan_numbers"]) == 1 and numbers[0] > item["scan_numbers"][0]
    finally:
        second.stop()
