"""Delivers a scan's documents, in order, to every subscriber.

The scan engine only emits; writers, the live table, the server and analysis hooks subscribe.
A subscriber that raises is logged and dropped from the rest of that scan, unless it was
subscribed as ``critical`` (the file writer), in which case the error ends the scan.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from gda_bridge.core.documents import Document, ScanStart

log = logging.getLogger("gda_bridge.stream")

Subscriber = Callable[[Document], None]


@dataclass
class _Subscription:
    callback: Subscriber
    critical: bool
    failed_uid: str | None = None


class DocumentStream:
    """An ordered fan-out of documents to subscribers, called on the emitting thread."""

    def __init__(self) -> None:
        self._subs: list[_Subscription] = []
        self._lock = threading.Lock()

    def subscribe(self, callback: Subscriber, *, critical: bool = False, first: bool = False) -> Callable[[], None]:
        """Add ``callback`` (ahead of the others with ``first``); returns a function that removes
        it again."""
        sub = _Subscription(callback, critical)
        with self._lock:
            self._subs = [sub, *self._subs] if first else [*self._subs, sub]

        def unsubscribe() -> None:
            with self._lock:
                self._subs = [s for s in self._subs if s is not sub]

        return unsubscribe

    def has_critical(self) -> bool:
        """Whether a critical subscriber (a file writer) is subscribed."""
        return any(s.critical for s in self._subs)

    def emit(self, doc: Document) -> None:
        for sub in self._subs:
            if isinstance(doc, ScanStart):
                sub.failed_uid = None
            elif sub.failed_uid == doc.uid:
                continue
            try:
                sub.callback(doc)
            except Exception:
                if sub.critical:
                    raise
                sub.failed_uid = doc.uid
                log.exception(
                    "document subscriber %r failed on %s; it gets no more documents of this scan",
                    sub.callback,
                    type(doc).__name__,
                )
