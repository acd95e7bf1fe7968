"""A scan's suspensions reach the server's event stream as scan_suspended / scan_resumed."""

from __future__ import annotations

from gda_bridge.core.documents import ScanResumed, ScanStart, ScanSuspended
from gda_bridge.server.events import DocumentEvents


def test_suspension_documents_become_events_of_the_current_scan():
    events = []
    to_events = DocumentEvents(events.append)
    to_events(ScanStart("u", 12, "scan x 0 1 1", (2,), (), 0.0))
    to_events(ScanSuspended("u", 1, 100.5, "ring current 0.2 < 10 mA"))
    to_events(ScanResumed("u", 1, 106.0))
    suspended, resumed = events[1:]
    assert suspended == {"type": "scan_suspended", "index": 1, "time": 100.5, "reason": "ring current 0.2 < 10 mA"}
    assert resumed == {"type": "scan_resumed", "index": 1, "time": 106.0}


def test_the_api_process_gives_suspensions_the_running_item_and_scan():
    from gda_bridge.server.current_scan import ScanTracker

    published = []
    tracker = ScanTracker(published.append)
    messages = []
    to_messages = DocumentEvents(messages.append)
    to_messages(ScanStart("u", 12, "scan x 0 1 1", (2,), (), 0.0))
    to_messages(ScanSuspended("u", 1, 100.5, "ring current 0.2 < 10 mA"))
    tracker.start(messages[0], item_id=7)
    tracker.suspension(messages[1])
    assert published[-1].model_dump() == {"type": "scan_suspended", "item_id": 7, "scan_number": 12, "index": 1,
                                           "time": 100.5, "reason": "ring current 0.2 < 10 mA"}
