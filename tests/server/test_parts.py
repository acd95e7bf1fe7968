"""The token file and the queue database on their own (no server, no JVM)."""

from __future__ import annotations

import json
import stat

import pytest

from gda_bridge.server.models import ItemStatus, Role
from gda_bridge.server.store import QueueStore
from gda_bridge.server.tokens import TokenError, TokenStore


def test_tokens_are_stored_hashed_and_verified(tmp_path):
    path = tmp_path / "tokens.json"
    store = TokenStore(path)
    token = store.add("alice", "operator")
    text = path.read_text()
    assert token not in text and token.split("_", 2)[2] not in text  # the secret itself may contain _
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    entry = json.loads(text)["tokens"][0]
    assert entry["name"] == "alice" and entry["role"] == "operator" and len(bytes.fromhex(entry["salt"])) == 16

    assert store.verify(token).name == "alice" and store.verify(token).role is Role.OPERATOR
    other = TokenStore(path)  # another process, e.g. the server, reads the same file
    assert other.verify(token).name == "alice"
    assert other.verify(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert other.verify("") is None and other.verify(None) is None and other.verify("Bearer x") is None

    with pytest.raises(TokenError, match="exists already"):
        store.add("alice", "admin")
    with pytest.raises(TokenError, match="use 1-64 letters"):
        store.add("bad name", "admin")
    with pytest.raises(ValueError):
        store.add("bob", "superuser")
    store.remove("alice")
    assert other.verify(token) is None  # the running server sees the removal
    with pytest.raises(TokenError, match="no token named"):
        store.remove("alice")


def test_the_queue_survives_reopening_and_a_running_item_becomes_interrupted(tmp_path):
    db = tmp_path / "q.sqlite"
    store = QueueStore(db)
    a = store.add("command", "a()", [], "op1")
    b = store.add("macro", "align", ["1", "2"], "op2")
    c = store.add("script", "print(1)\n", [], "op1")
    store.move(c.id, 0)
    assert [i.id for i in store.queued()] == [c.id, a.id, b.id]
    assert store.start(c.id).status is ItemStatus.RUNNING
    assert store.start(c.id) is None  # never twice
    store.append_output(c.id, 0, ["line 0", "line 1"])
    store.set_scan_numbers(c.id, [7])
    assert store.remove(a.id) and not store.remove(a.id)
    store.close()  # as if the process died here

    again = QueueStore(db)
    assert again.mark_interrupted() == [c.id]
    item = again.get(c.id, with_output=True)
    assert item.status is ItemStatus.INTERRUPTED and item.output == ["line 0", "line 1"] and item.scan_numbers == [7]
    assert [(i.id, i.args) for i in again.queued()] == [(b.id, ["1", "2"])]
    assert again.max_scan_number() == 7
    assert [i.id for i in again.history()] == [c.id]
    done = again.finish(again.start(b.id).id, ItemStatus.COMPLETED, None)
    assert done.status is ItemStatus.COMPLETED and done.finished >= done.started
    again.close()
