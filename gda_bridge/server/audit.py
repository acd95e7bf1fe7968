"""Who did what to the queue and the beamline, and when: an append-only table in the queue
database. Rows are never updated or deleted (SQLite triggers refuse it), also not when the item
they name is removed from the queue."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

from gda_bridge.server.models import AuditEntry, escaped
from gda_bridge.server.permissions import owner_only

_SCHEMA = """
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    time REAL NOT NULL,
    who TEXT NOT NULL,
    action TEXT NOT NULL,
    item_id INTEGER,
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS audit_item ON audit(item_id);
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
"""

MAX_DETAIL = 500
"""Characters of a detail kept (a submitted script is recorded by its first line)."""


class AuditLog:
    """The audit table of the database at ``path`` (its own connection, safe from any thread)."""

    def __init__(self, path: str | Path) -> None:
        owner_only(path, "queue database")
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=10)
        self._db.text_factory = lambda raw: raw.decode("utf-8", "backslashreplace")
        self._lock = threading.Lock()
        with self._lock:
            self._db.executescript(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def record(self, who: str, action: str, item_id: int | None = None, detail: str = "") -> None:
        """Append one entry (committed when this returns)."""
        line = escaped(detail.splitlines()[0] if detail.strip() else "")
        if len(detail.splitlines()) > 1:
            line += " ..."
        with self._lock:
            self._db.execute(
                "INSERT INTO audit (time, who, action, item_id, detail) VALUES (?,?,?,?,?)",
                (time.time(), who, action, item_id, line[:MAX_DETAIL]),
            )

    def entries(self, limit: int = 100, item_id: int | None = None, before: int | None = None) -> list[AuditEntry]:
        """Newest first; ``item_id``: only that item's; ``before``: entries older than that id."""
        where, params = [], []
        if item_id is not None:
            where.append("item_id = ?")
            params.append(item_id)
        if before is not None:
            where.append("id < ?")
            params.append(before)
        sql = "SELECT id, time, who, action, item_id, detail FROM audit"
        if where:
            sql += " WHERE " + " AND ".join(where)
        with self._lock:
            rows = self._db.execute(sql + " ORDER BY id DESC LIMIT ?", (*params, limit)).fetchall()
        return [AuditEntry(id=r[0], time=r[1], who=r[2], action=r[3], item_id=r[4], detail=r[5]) for r in rows]
