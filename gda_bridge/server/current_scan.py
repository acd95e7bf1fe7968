"""The current scan as the API process knows it from the worker process's messages: for the status,
for clients that join mid-scan (``GET /api/scan/current``), and as validated events for watchers.

What the worker sends is untrusted (it runs submitted code): every message is checked against the
event models, is given the running item's id and the scan's number by this side, and at most
``MAX_POINTS_KEPT`` points are kept."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, TypeAdapter

from gda_bridge.server.models import (
    CurrentScan,
    PointData,
    ScanPointsEvent,
    ScanResumedEvent,
    ScanStartEvent,
    ScanState,
    ScanStopEvent,
    ScanSuspendedEvent,
)

MAX_POINTS_KEPT = 100_000
"""Points of the current scan kept for clients that join mid-scan."""

_points = TypeAdapter(list[PointData])


class ScanTracker:
    """Turns the worker's scan messages into state and events (``publish``)."""

    def __init__(self, publish: Callable[[BaseModel], None]) -> None:
        self.publish = publish
        self._lock = threading.Lock()
        self._scan: CurrentScan | None = None
        self._running = False
        self._paused = False

    def start(self, message: dict[str, Any], item_id: int | None) -> ScanStartEvent:
        event = ScanStartEvent.model_validate({**message, "item_id": item_id})
        with self._lock:
            self._scan = CurrentScan(
                item_id=item_id, scan_number=event.scan_number, command=event.command, columns=event.columns,
                num_points=event.num_points, points=[],
            )
            self._running, self._paused = True, False
        self.publish(event)
        return event

    def points(self, message: dict[str, Any]) -> None:
        points = _points.validate_python(message["points"])
        with self._lock:
            scan = self._scan
            if scan is None or not self._running:
                return
            room = MAX_POINTS_KEPT - len(scan.points)
            scan.points.extend(p.data for p in points[:max(room, 0)])
            event = ScanPointsEvent(item_id=scan.item_id, scan_number=scan.scan_number, points=points)
        self.publish(event)

    def suspension(self, message: dict[str, Any]) -> None:
        model = ScanSuspendedEvent if message.get("type") == "scan_suspended" else ScanResumedEvent
        with self._lock:
            scan = self._scan
            item_id, number = (scan.item_id, scan.scan_number) if scan is not None else (None, None)
        self.publish(model.model_validate({**message, "item_id": item_id, "scan_number": number}))

    def stop(self, message: dict[str, Any]) -> None:
        with self._lock:
            scan = self._scan
            item_id, number = (scan.item_id, scan.scan_number) if scan is not None else (None, None)
            event = ScanStopEvent.model_validate({**message, "item_id": item_id, "scan_number": number})
            if scan is not None:
                scan.status = event.status
            self._running = self._paused = False
        self.publish(event)

    def ended(self) -> None:
        """The item ended (whatever its scan said)."""
        with self._lock:
            self._running = self._paused = False

    def paused(self, paused: bool) -> None:
        with self._lock:
            self._paused = paused

    def current(self) -> CurrentScan | None:
        with self._lock:
            return None if self._scan is None else self._scan.model_copy(deep=True)

    def state(self) -> ScanState | None:
        with self._lock:
            scan = self._scan
            if scan is None or not self._running:
                return None
            return ScanState(
                item_id=scan.item_id, scan_number=scan.scan_number, command=scan.command,
                state="paused" if self._paused else "running", points_done=len(scan.points),
                num_points=scan.num_points,
            )
