"""The output of the running item, as the API process keeps it: lines kept for clients that join
late, sent live as ``output`` events, written to the queue database in batches."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from pydantic import BaseModel

from gda_bridge.server.models import OutputEvent
from gda_bridge.server.store import QueueStore

MAX_OUTPUT_LINES = 50_000
"""Lines kept per item; later ones are dropped (with one note)."""
MAX_LINE = 100_000
"""Characters kept of one output line."""
FLUSH_EVERY = 1.0
"""Seconds between writes of new lines to the database while an item runs."""


class ItemOutput:
    """The lines of one running item."""

    def __init__(self, item_id: int, store: QueueStore, publish: Callable[[BaseModel], None]) -> None:
        self.item_id = item_id
        self.store = store
        self.publish = publish
        self.lines: list[str] = []
        self._flushed = 0
        self._last_flush = time.monotonic()
        self._lock = threading.Lock()

    def add(self, texts: list[str]) -> None:
        """Lines printed, in order: one output event for all of them."""
        with self._lock:
            first = len(self.lines)
            for text in texts:
                if len(self.lines) > MAX_OUTPUT_LINES:
                    break
                if len(self.lines) == MAX_OUTPUT_LINES:
                    text = f"... output truncated after {MAX_OUTPUT_LINES} lines"
                self.lines.append(text[:MAX_LINE])
            new = self.lines[first:]
        if new:
            self.publish(OutputEvent(item_id=self.item_id, seq=first, lines=new))
        if time.monotonic() - self._last_flush > FLUSH_EVERY:
            self.flush()

    def flush(self) -> None:
        with self._lock:
            new = self.lines[self._flushed:]
            first = self._flushed
            self._flushed = len(self.lines)
            self._last_flush = time.monotonic()
        if new:
            self.store.append_output(self.item_id, first, new)
