"""Live events for WebSocket clients: any thread publishes, the asyncio loop fans out.

``publish`` hands the event to the loop with ``call_soon_threadsafe`` and returns at once; each
client has a bounded queue, and a client that reads too slowly loses events (it is told how many
with a ``dropped`` event) rather than ever slowing the scan or the other clients.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
from collections.abc import Callable
from typing import Any

import numpy as np
from pydantic import BaseModel

from gda_bridge.core.documents import Document, ScanPoint, ScanResumed, ScanStart, ScanStop, ScanSuspended
from gda_bridge.server.models import (
    ColumnInfo,
    ScanStartEvent,
    escaped,
)

log = logging.getLogger("gda_bridge.server")

CLIENT_QUEUE = 2_000
"""Events buffered per WebSocket client before it starts losing them. A fast scan's points and
table rows come as pages (see ``paging``, at most 20 a second of each), so this is a minute and
more of a busy scan for a client that has stopped reading."""


def _escape_all(value: Any) -> Any:
    if isinstance(value, str):
        return escaped(value)
    if isinstance(value, list):
        return [_escape_all(v) for v in value]
    if isinstance(value, dict):
        return {escaped(str(k)): _escape_all(v) for k, v in value.items()}
    return value


def encode(event: BaseModel) -> str:
    """The event's JSON text; text that UTF-8 cannot carry (a lone surrogate from a device or a
    print) is sent escaped rather than failing the event and closing the client."""
    try:
        return event.model_dump_json()
    except ValueError:  # pydantic's serialisation error
        log.warning("%s event with text that is not valid Unicode: sent escaped", type(event).__name__)
        return json.dumps(_escape_all(event.model_dump(mode="json")))


class Subscriber:
    """One client's bounded queue of encoded events."""

    def __init__(self, size: int = CLIENT_QUEUE) -> None:
        self.queue: asyncio.Queue[str] = asyncio.Queue(size)
        self.dropped = 0

    def offer(self, text: str) -> None:
        try:
            self.queue.put_nowait(text)
        except asyncio.QueueFull:
            self.dropped += 1


class EventHub:
    """Fans events out to the subscribers; ``publish`` may be called from any thread."""

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._subscribers: set[Subscriber] = set()

    def bind(self, loop: asyncio.AbstractEventLoop | None) -> None:
        """Attach to the server's loop (None: detach, events are dropped)."""
        self._loop = loop

    def publish(self, event: BaseModel) -> None:
        """Encoded here, on the caller's thread, so the loop only hands the text out."""
        loop = self._loop
        if loop is None or loop.is_closed() or not self._subscribers:
            return
        try:
            loop.call_soon_threadsafe(self._fan_out, encode(event))
        except RuntimeError:  # the loop closed between the check and the call
            pass

    def _fan_out(self, text: str) -> None:
        for sub in list(self._subscribers):
            sub.offer(text)

    def subscribe(self, size: int = CLIENT_QUEUE) -> Subscriber:
        """Call on the loop's thread."""
        sub = Subscriber(size)
        self._subscribers.add(sub)
        return sub

    def unsubscribe(self, sub: Subscriber) -> None:
        self._subscribers.discard(sub)

    @property
    def subscriber_count(self) -> int:
        return len(self._subscribers)


def plain(value: Any) -> float | int | str | None:
    """A point value as JSON can carry it: NaN and infinities become None, arrays a shape text."""
    if isinstance(value, np.ndarray):
        if value.ndim == 0:
            return plain(value.item())
        return "<" + "x".join(str(s) for s in value.shape) + ">"
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if value is None:
        return None
    return escaped(str(value))


def columns_of(start: ScanStart) -> list[ColumnInfo]:
    axes = {c for dim in range(len(start.shape)) for c in start.axes(dim)}
    detectors = set(start.detector_columns())
    return [
        ColumnInfo(name=c, role="axis" if c in axes else "detector" if c in detectors else "other")
        for c in start.columns
    ]


class DocumentEvents:
    """A document subscriber in the worker process that turns a scan's documents into messages
    for the API process (``sink``): plain JSON-ready dicts, without the item's id and the scan's
    number except in ``scan_start`` (the API process adds them from what it knows is running). It
    runs on the scan's thread, so a point is a small dict and nothing more."""

    def __init__(self, sink: Callable[[dict[str, Any]], None]) -> None:
        self.sink = sink

    def __call__(self, doc: Document) -> None:
        if isinstance(doc, ScanPoint):
            self.sink({"type": "scan_point", "index": doc.index, "data": {k: plain(v) for k, v in doc.data.items()}})
        elif isinstance(doc, ScanStart):
            self.sink(ScanStartEvent(
                item_id=None, scan_number=doc.scan_number, command=doc.command, columns=columns_of(doc),
                num_points=doc.num_points, shape=list(doc.shape),
            ).model_dump(mode="json"))
        elif isinstance(doc, ScanSuspended):
            self.sink({"type": "scan_suspended", "index": doc.index, "time": doc.time, "reason": doc.reason})
        elif isinstance(doc, ScanResumed):
            self.sink({"type": "scan_resumed", "index": doc.index, "time": doc.time})
        elif isinstance(doc, ScanStop):
            self.sink({"type": "scan_stop", "status": doc.status.value, "num_points": doc.num_points,
                       "reason": doc.reason})
