"""Pages of points and lines between the worker and the API process: grouped, in order, and
nothing else ever waits behind them."""

from __future__ import annotations

import socket

from gda_bridge.server import paging
from gda_bridge.server.channel import Channel, QueuedSender


def _point(i: int) -> dict:
    return {"type": "scan_point", "index": i, "data": {"x": i * 0.5}}


def test_runs_of_points_and_lines_become_pages_and_the_order_is_kept():
    batch = [_point(0), _point(1), {"type": "line", "text": "a"}, {"type": "line", "text": "b"},
             {"type": "scan_stop", "status": "COMPLETED_OKAY"}, _point(2)]
    assert paging.paged(batch) == [
        {"type": "scan_points", "points": [{"index": 0, "data": {"x": 0.0}}, {"index": 1, "data": {"x": 0.5}}]},
        {"type": "lines", "texts": ["a", "b"]},
        {"type": "scan_stop", "status": "COMPLETED_OKAY"},
        {"type": "scan_points", "points": [{"index": 2, "data": {"x": 1.0}}]},
    ]


def test_interleaved_points_and_rows_make_one_page_of_each():
    batch = [m for i in range(5) for m in (_point(i), {"type": "line", "text": f"row {i}"})]
    assert paging.paged([*batch, {"type": "done"}, _point(5)]) == [
        {"type": "scan_points", "points": [{"index": i, "data": {"x": i * 0.5}} for i in range(5)]},
        {"type": "lines", "texts": [f"row {i}" for i in range(5)]},
        {"type": "done"},
        {"type": "scan_points", "points": [{"index": 5, "data": {"x": 2.5}}]},
    ]


def test_a_page_holds_at_most_max_page_points():
    pages = paging.paged([_point(i) for i in range(2 * paging.MAX_PAGE + 1)])
    assert [len(p["points"]) for p in pages] == [paging.MAX_PAGE, paging.MAX_PAGE, 1]


def test_the_sender_groups_a_burst_and_sends_what_follows_it_at_once():
    a, b = socket.socketpair()
    receiver = Channel(b)
    sending = Channel(a)
    sender = QueuedSender(sending, linger=10.0, pageable=paging.pageable, merge=paging.paged)
    try:
        sender.send(_point(0))
        first = receiver.receive()  # the first point after a quiet spell goes alone, at once
        for i in range(1, 501):
            sender.send(_point(i))
        sender.send({"type": "done", "id": 1})  # not pageable: ends the 10 s wait of the points before it
        pages = [receiver.receive()]
        while pages[-1]["type"] == "scan_points":
            pages.append(receiver.receive())
    finally:
        sender.close()
        sending.close()
        receiver.close()
    assert first == {"type": "scan_points", "points": [{"index": 0, "data": {"x": 0.0}}]}
    assert pages[-1] == {"type": "done", "id": 1}
    assert [p["index"] for page in pages[:-1] for p in page["points"]] == list(range(1, 501))
    assert len(pages) == 2
