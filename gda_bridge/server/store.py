"""The queue and its history in SQLite (stdlib ``sqlite3``, WAL journal).

An item is marked ``running`` (and committed) before it starts, so after a crash the server finds
it still ``running``, marks it ``interrupted`` and never runs it again. Output lines are written in
batches; the lines of a killed item's last second may be lost, its status is not.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from gda_bridge.server.models import Item, ItemStatus, escaped
from gda_bridge.server.permissions import owner_only

log = logging.getLogger("gda_bridge.server")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS items (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    args TEXT NOT NULL DEFAULT '[]',
    owner TEXT NOT NULL,
    status TEXT NOT NULL,
    position INTEGER,
    submitted REAL NOT NULL,
    started REAL,
    finished REAL,
    scan_numbers TEXT NOT NULL DEFAULT '[]',
    error TEXT,
    estimated_seconds REAL
);
CREATE INDEX IF NOT EXISTS items_status ON items(status, position);
CREATE TABLE IF NOT EXISTS output (
    item_id INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    line TEXT NOT NULL,
    PRIMARY KEY (item_id, seq)
);
"""

_COLUMNS = "id, kind, text, args, owner, status, submitted, started, finished, scan_numbers, error, estimated_seconds"
#: Columns added after the first release, with their types: added to an older database on opening.
_ADDED_COLUMNS = {"estimated_seconds": "REAL"}
_FINAL = (ItemStatus.COMPLETED, ItemStatus.FAILED, ItemStatus.ABORTED, ItemStatus.INTERRUPTED)


def _text(raw: bytes) -> str:
    """How every TEXT value is read: bytes that are not UTF-8 (written by something else, or a
    damaged file) appear escaped (``\\xed``) instead of failing the whole query."""
    return raw.decode("utf-8", "backslashreplace")


def _json_list(raw: str, what: str, item_id: int) -> list[Any]:
    try:
        value = json.loads(raw)
    except ValueError:
        value = None
    if not isinstance(value, list):
        log.warning("item %d: its stored %s are not a JSON list; shown as one text", item_id, what)
        return [raw]
    return value


def _item(row: tuple) -> Item:
    (id_, kind, text, args, owner, status, submitted, started, finished, scans, error, estimate) = row
    numbers = [n for n in _json_list(scans, "scan numbers", id_) if isinstance(n, int)]
    return Item(
        id=id_, kind=kind, text=text, args=[str(a) for a in _json_list(args, "arguments", id_)], owner=owner,
        status=ItemStatus(status), submitted=submitted, started=started, finished=finished,
        scan_numbers=numbers, error=error,
        estimated_seconds=float(estimate) if isinstance(estimate, (int, float)) else None,
    )


class QueueStore:
    """One SQLite file; every method is atomic and safe from any thread."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        owner_only(self.path, "queue database")
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.text_factory = _text
        self._lock = threading.Lock()
        with self._lock:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_SCHEMA)
            present = {r[1] for r in self._db.execute("PRAGMA table_info(items)").fetchall()}
            for column, kind in _ADDED_COLUMNS.items():
                if column not in present:  # a database from before the column: keep its items
                    self._db.execute(f"ALTER TABLE items ADD COLUMN {column} {kind}")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _tx(self, statements: Iterable[tuple[str, tuple]]) -> None:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                for sql, params in statements:
                    self._db.execute(sql, params)
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _query(self, sql: str, params: tuple = ()) -> list[tuple]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    def mark_interrupted(self) -> list[int]:
        """Mark the items a previous run left ``running`` as interrupted; returns their ids."""
        ids = [r[0] for r in self._query("SELECT id FROM items WHERE status = ?", (ItemStatus.RUNNING.value,))]
        reason = "the server stopped while this item was running; it was not run again"
        self._tx(
            ("UPDATE items SET status = ?, finished = ?, error = ?, position = NULL WHERE id = ?",
             (ItemStatus.INTERRUPTED.value, time.time(), reason, i))
            for i in ids
        )
        return ids

    def add(self, kind: str, text: str, args: list[str], owner: str, estimated_seconds: float | None = None) -> Item:
        """Queue an item at the end, with its estimate (kept with it: a restart does not lose it)."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                (last,) = self._db.execute("SELECT COALESCE(MAX(position), -1) FROM items").fetchone()
                cur = self._db.execute(
                    "INSERT INTO items (kind, text, args, owner, status, position, submitted, estimated_seconds) "
                    "VALUES (?,?,?,?,?,?,?,?)",
                    (kind, escaped(text), json.dumps([escaped(a) for a in args]), owner, ItemStatus.QUEUED.value,
                     last + 1, time.time(), estimated_seconds),
                )
                row = self._db.execute(f"SELECT {_COLUMNS} FROM items WHERE id = ?", (cur.lastrowid,)).fetchone()
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
        return _item(row)

    def get(self, item_id: int, with_output: bool = False) -> Item | None:
        rows = self._query(f"SELECT {_COLUMNS} FROM items WHERE id = ?", (item_id,))
        if not rows:
            return None
        item = _item(rows[0])
        if with_output:
            item.output = self.output(item_id)
        return item

    def queued(self) -> list[Item]:
        rows = self._query(
            f"SELECT {_COLUMNS} FROM items WHERE status = ? ORDER BY position", (ItemStatus.QUEUED.value,)
        )
        return [_item(r) for r in rows]

    def running(self) -> list[Item]:
        rows = self._query(f"SELECT {_COLUMNS} FROM items WHERE status = ?", (ItemStatus.RUNNING.value,))
        return [_item(r) for r in rows]

    def history(self, limit: int = 50) -> list[Item]:
        marks = ",".join("?" * len(_FINAL))
        rows = self._query(
            f"SELECT {_COLUMNS} FROM items WHERE status IN ({marks}) ORDER BY finished DESC, id DESC LIMIT ?",
            (*(s.value for s in _FINAL), limit),
        )
        return [_item(r) for r in rows]

    def move(self, item_id: int, position: int) -> None:
        """Put a queued item at ``position`` among the queued items (clamped to the end)."""
        order = [i.id for i in self.queued() if i.id != item_id]
        order.insert(min(position, len(order)), item_id)
        self._tx(("UPDATE items SET position = ? WHERE id = ?", (n, i)) for n, i in enumerate(order))

    def remove(self, item_id: int) -> bool:
        """Delete a queued item; False if it is not queued (any more)."""
        with self._lock:
            cur = self._db.execute(
                "DELETE FROM items WHERE id = ? AND status = ?", (item_id, ItemStatus.QUEUED.value)
            )
            return cur.rowcount == 1

    def start(self, item_id: int) -> Item | None:
        """Mark a queued item running (committed before it runs); None if it is no longer queued."""
        with self._lock:
            cur = self._db.execute(
                "UPDATE items SET status = ?, started = ?, position = NULL WHERE id = ? AND status = ?",
                (ItemStatus.RUNNING.value, time.time(), item_id, ItemStatus.QUEUED.value),
            )
            if cur.rowcount != 1:
                return None
        return self.get(item_id)

    def finish(self, item_id: int, status: ItemStatus, error: str | None) -> Item:
        self._tx(
            [("UPDATE items SET status = ?, finished = ?, error = ? WHERE id = ?",
              (status.value, time.time(), None if error is None else escaped(error), item_id))]
        )
        item = self.get(item_id)
        if item is None:
            raise KeyError(f"item {item_id} vanished from the queue database")
        return item

    def set_scan_numbers(self, item_id: int, numbers: list[int]) -> None:
        self._tx([("UPDATE items SET scan_numbers = ? WHERE id = ?", (json.dumps(numbers), item_id))])

    def append_output(self, item_id: int, first_seq: int, lines: list[str]) -> None:
        self._tx(
            ("INSERT OR REPLACE INTO output (item_id, seq, line) VALUES (?,?,?)",
             (item_id, first_seq + n, escaped(line)))
            for n, line in enumerate(lines)
        )

    def output(self, item_id: int) -> list[str]:
        return [r[0] for r in self._query("SELECT line FROM output WHERE item_id = ? ORDER BY seq", (item_id,))]

    def max_scan_number(self) -> int:
        best = 0
        for item_id, scans in self._query("SELECT id, scan_numbers FROM items WHERE scan_numbers != '[]'"):
            best = max([best, *(n for n in _json_list(scans, "scan numbers", item_id) if isinstance(n, int))])
        return best

    def edit(self, item_id: int, text: str, args: list[str], estimated_seconds: float | None = None) -> bool:
        """Change a queued item's text, arguments and estimate; False if it is not queued (any more)."""
        with self._lock:
            cur = self._db.execute(
                "UPDATE items SET text = ?, args = ?, estimated_seconds = ? WHERE id = ? AND status = ?",
                (text, json.dumps(args), estimated_seconds, item_id, ItemStatus.QUEUED.value),
            )
            return cur.rowcount == 1
