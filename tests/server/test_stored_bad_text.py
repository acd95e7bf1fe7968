"""Text that UTF-8 cannot carry, already in the database (written before the door checked, or by
another program): every read path shows it escaped and the queue, history and WebSocket work."""

from __future__ import annotations

import json
import signal
import sqlite3
import time

from websockets.sync.client import connect

from gda_bridge.server.client import ServerClient
from gda_bridge.server.store import QueueStore
from gda_bridge.server.tokens import TokenStore
from tests.server.conftest import ServerProcess

BAD_UTF8 = "CAST(X'6D61637221EDA080' AS TEXT)"  # 'macr!' then the UTF-8 bytes of a lone surrogate


def _seed_bad_rows(db) -> tuple[int, int]:
    """A queued macro with a lone-surrogate argument and undecodable text, and a finished item with
    undecodable output and error, written straight into SQLite."""
    QueueStore(db).close()  # the schema
    con = sqlite3.connect(db)
    now = time.time()
    queued = con.execute(
        f"INSERT INTO items (kind, text, args, owner, status, position, submitted) "
        f"VALUES ('macro', {BAD_UTF8}, ?, 'op', 'queued', 0, ?)", (json.dumps(["\ud800", "ok"]), now),
    ).lastrowid
    done = con.execute(
        f"INSERT INTO items (kind, text, args, owner, status, submitted, started, finished, scan_numbers, error) "
        f"VALUES ('command', 'print(1)', 'not json', 'op', 'completed', ?, ?, ?, '[3, \"x\"]', {BAD_UTF8})",
        (now, now, now),
    ).lastrowid
    con.execute(f"INSERT INTO output (item_id, seq, line) VALUES (?, 0, {BAD_UTF8})", (done,))
    con.commit()
    con.close()
    return queued, done


def test_the_store_reads_bad_rows_escaped(tmp_path):
    db = tmp_path / "q.sqlite"
    queued, done = _seed_bad_rows(db)
    store = QueueStore(db)
    [item] = store.queued()
    assert item.id == queued and item.text == "macr!\\xed\\xa0\\x80" and item.args == ["\\ud800", "ok"]
    [old] = store.history()
    assert old.args == ["not json"] and old.scan_numbers == [3] and old.error == "macr!\\xed\\xa0\\x80"
    assert store.get(done, with_output=True).output == ["macr!\\xed\\xa0\\x80"]
    assert store.max_scan_number() == 3
    for it in (item, old):
        json.loads(it.model_dump_json())  # sendable
    store.append_output(done, 1, ["printed \udfff"])  # a print of such text, stored escaped
    assert store.output(done)[1] == "printed \\udfff"
    store.close()


def test_a_server_on_a_database_with_bad_rows_serves_queue_history_and_events(tmp_path):
    db = tmp_path / "q.sqlite"
    queued, done = _seed_bad_rows(db)
    token = TokenStore(tmp_path / "tokens.json").add("op", "operator")
    server = ServerProcess(tmp_path, tmp_path / "tokens.json", db, "--hold")
    try:
        with ServerClient(server.url, token) as op:
            [item] = op.queue()
            assert item["text"] == "macr!\\xed\\xa0\\x80" and item["args"] == ["\\ud800", "ok"]
            assert op.history()[0]["error"] == "macr!\\xed\\xa0\\x80"
            assert op.item(done)["output"] == ["macr!\\xed\\xa0\\x80"]
            url = server.url.replace("http", "ws", 1) + "/api/events"
            with connect(url, open_timeout=10) as ws:
                ws.send(json.dumps({"token": token}))
                first = [json.loads(ws.recv(timeout=10))["type"] for _ in range(2)]
                assert first == ["status", "queue"]
                op.baton("take")
                op.move(queued, 0)
                assert op.remove(queued) == []
                later = json.loads(ws.recv(timeout=10))  # still open after its first events
                assert later["type"] in ("status", "queue")
    finally:
        assert server.stop() in (0, -signal.SIGTERM), server.log
