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


def test_queued_scans_keep_their_estimates_and_the_queue_its_total_across_a_restart(server_dir, tokens):
    """The estimates are kept with the items in the database, not in the API process's memory."""
    db = server_dir / "estimates.sqlite"
    first = ServerProcess(server_dir, Path(tokens["_path"]), db, "--hold")
    try:
        with ServerClient(first.url, tokens["op1"]) as op1:
            op1.baton("take")
            scans = [op1.submit("scan sm 0 1 0.5 sdet 0.2"), op1.submit("scan(sm, 0, 1, 0.1, sdet, 0.05)")]
            other = op1.submit("ran.append('x')")
            before = {i["id"]: i["estimated_seconds"] for i in op1.queue()}
            total = op1.status()["queue_estimated_seconds"]
    finally:
        first.kill()
    assert all(before[s["id"]] is not None for s in scans) and before[other["id"]] is None
    assert total == round(sum(before[s["id"]] for s in scans), 3)  # the total is rounded to the ms, as each estimate is

    second = ServerProcess(server_dir, Path(tokens["_path"]), db, "--hold")
    try:
        with ServerClient(second.url, tokens["op1"]) as op1:
            assert {i["id"]: i["estimated_seconds"] for i in op1.queue()} == before
            assert op1.status()["queue_estimated_seconds"] == total
    finally:
        second.stop()


def test_a_queue_database_from_before_the_estimates_opens_with_its_items(tmp_path):
    from gda_bridge.server.store import QueueStore

    db = tmp_path / "old.sqlite"
    with sqlite3.connect(db) as raw:  # the items table as it was before the estimated_seconds column
        raw.execute("CREATE TABLE items (id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, text TEXT NOT NULL, "
                    "args TEXT NOT NULL DEFAULT '[]', owner TEXT NOT NULL, status TEXT NOT NULL, position INTEGER, "
                    "submitted REAL NOT NULL, started REAL, finished REAL, scan_numbers TEXT NOT NULL DEFAULT '[]', "
                    "error TEXT)")
        raw.execute("INSERT INTO items (kind, text, owner, status, position, submitted) "
                    "VALUES ('command', 'scan x 0 1 0.1 det', 'op1', 'queued', 0, 1.0)")
    db.chmod(0o600)
    store = QueueStore(db)
    try:
        (old,) = store.queued()
        assert old.text == "scan x 0 1 0.1 det" and old.estimated_seconds is None
        new = store.add("command", "scan x 0 2 0.1 det", [], "op1", 2.5)
        assert store.get(new.id).estimated_seconds == 2.5
    finally:
        store.close()
