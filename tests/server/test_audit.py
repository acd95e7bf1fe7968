"""The audit log (who did what, when: append-only, in the database, GET /api/audit) and the
server's files being readable by its user only."""

from __future__ import annotations

import logging
import sqlite3
import stat
import time

import pytest

from gda_bridge.server.audit import AuditLog
from gda_bridge.server.client import ServerRequestError
from gda_bridge.server.store import QueueStore
from gda_bridge.server.tokens import TokenStore
from tests.server.conftest import wait_until


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_who_did_what_to_the_queue_is_in_the_audit_log(server, clients, server_dir):
    op1, admin, obs = clients["op1"], clients["admin"], clients["obs"]
    since = time.time()
    op1.baton("take")
    op1.hold(True)
    a = op1.submit("ran.append('audit a')")
    b = op1.submit_script("x = 1\nprint('two lines')\n", "two.py")
    op1.move(b["id"], 0)
    op1.remove(a["id"])
    op1.hold(False)
    op1.wait(b["id"], timeout=30)
    scan = op1.submit("scan(sm, 0, 2, 0.1, sdet, 0.02)")
    wait_until(lambda: (s := op1.status()["scan"]) is not None and s["points_done"] >= 1, what="the scan")
    op1.control("pause")
    op1.control("resume")
    op1.control("abort")
    op1.wait(scan["id"], timeout=30)
    op1.baton("release")
    admin.stop_all()

    entries = [e for e in op1.request("GET", "/api/audit", params={"limit": 50}) if e["time"] >= since]
    assert [(e["who"], e["action"], e["item_id"]) for e in reversed(entries)] == [
        ("op1", "baton-take", None), ("op1", "hold", None),
        ("op1", "submit", a["id"]), ("op1", "submit", b["id"]), ("op1", "move", b["id"]), ("op1", "remove", a["id"]),
        ("op1", "release", None), ("op1", "submit", scan["id"]),
        ("op1", "pause", scan["id"]), ("op1", "resume", scan["id"]), ("op1", "abort", scan["id"]),
        ("op1", "baton-release", None), ("admin", "stop-all", None),
    ]
    details = {(e["action"], e["item_id"]): e["detail"] for e in entries}
    assert details[("submit", a["id"])] == "command ran.append('audit a')"
    assert details[("submit", b["id"])] == "script x = 1 ..."
    assert details[("move", b["id"])] == "to position 0"
    # the removed item is gone from the queue, not from the log
    assert [e["action"] for e in admin.request("GET", "/api/audit", params={"item_id": a["id"]})] == ["remove", "submit"]
    with pytest.raises(ServerRequestError) as refused:
        obs.request("GET", "/api/audit")
    assert refused.value.status == 403 and "operator role" in refused.value.detail
    admin.baton("steal")
    admin.hold(False)
    admin.baton("release")

    con = sqlite3.connect(server_dir / "queue.sqlite")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        con.execute("DELETE FROM audit")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        con.execute("UPDATE audit SET who = 'nobody'")
    con.close()


def test_the_servers_files_are_readable_by_its_user_only(server, server_dir):
    for name in ("queue.sqlite", "queue.sqlite-wal", "tokens.json"):
        assert _mode(server_dir / name) == 0o600, name


def test_existing_files_readable_by_others_are_tightened_with_a_log_line(tmp_path, caplog):
    db, tokens = tmp_path / "q.sqlite", tmp_path / "tokens.json"
    QueueStore(db).close()
    TokenStore(tokens).add("alice", "admin")
    for path in (db, tokens):
        path.chmod(0o644)
    caplog.set_level(logging.WARNING, "gda_bridge.server")
    QueueStore(db).close()
    TokenStore(tokens)
    assert _mode(db) == 0o600 and _mode(tokens) == 0o600
    assert f"queue database {db} was readable by others (mode 0644): now 0600" in caplog.text
    assert f"token file {tokens} was readable by others (mode 0644): now 0600" in caplog.text
    fresh = tmp_path / "new" / "fresh.sqlite"
    AuditLog(fresh).close()
    assert _mode(fresh) == 0o600
