"""A scan's suspensions reach the server's event stream as scan_suspended / scan_resumed."""

from __future__ import annotations

from gda_bridge.core.documents import ScanResumed, ScanStart, ScanSuspended
from gda_bridge.server.events import DocumentEvents


def test_suspension_documents_become_events_of_the_current_scan():
    events = []
    to_events = DocumentEvents(events.append, lambda: 7)
    to_events(ScanStart("u", 12, "scan x 0 1 1", (2,), (), 0.0))
    to_events(ScanSuspended("u", 1, 100.5, "ring current 0.2 < 10 mA"))
    to_events(ScanResumed("u", 1, 106.0))
    suspended, resumed = (e.model_dump() for e in events[1:])
    assert suspended == {"type": "scan_suspended", "item_id": 7, "scan_number": 12, "index": 1, "time": 100.5,
                         "reason": "ring current 0.2 < 10 mA"}
    assert resumed == {"type": "scan_resumed", "item_id": 7, "scan_number": 12, "index": 1, "time": 106.0}
