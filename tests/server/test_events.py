"""Live events over the WebSocket, against a real server; and the hub's dropping of slow clients."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import time
from collections.abc import Iterator
from urllib.parse import urlparse

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from gda_bridge.server.events import EventHub
from gda_bridge.server.models import DroppedEvent, OutputEvent
from tests.server.conftest import wait_until


@contextlib.contextmanager
def _ws(server, token: str | None = None, query: bool = False) -> Iterator:
    url = server.url.replace("http", "ws", 1) + "/api/events"
    with connect(url + (f"?token={token}" if query else ""), open_timeout=10) as ws:
        if token is not None and not query:
            ws.send(json.dumps({"token": token}))
        yield ws


def _until(ws, predicate, timeout: float = 20.0) -> list[dict]:
    """Events up to and including the first one ``predicate`` accepts."""
    seen = []
    deadline = time.monotonic() + timeout
    while True:
        event = json.loads(ws.recv(timeout=max(0.01, deadline - time.monotonic())))
        seen.append(event)
        if predicate(event):
            return seen


def _points(events: list[dict]) -> list[dict]:
    """Every point of the scan_points events, in order."""
    return [p for e in events if e["type"] == "scan_points" for p in e["points"]]


def _lines(events: list[dict]) -> list[str]:
    return [line for e in events if e["type"] == "output" for line in e["lines"]]


def test_authentication_by_first_message_or_query(server, tokens):
    with _ws(server, tokens["obs"]) as ws:
        first = json.loads(ws.recv(timeout=10))
        assert first["type"] == "status" and "baton" in first["status"]
        assert json.loads(ws.recv(timeout=10))["type"] == "queue"
    with _ws(server, tokens["obs"], query=True) as ws:
        assert json.loads(ws.recv(timeout=10))["type"] == "status"
    with _ws(server, "gdb_000000000000_" + "y" * 43) as ws:
        assert json.loads(ws.recv(timeout=10)) == {"type": "error", "detail": "missing or unknown token"}
        with pytest.raises(ConnectionClosed) as info:
            ws.recv(timeout=10)
        assert info.value.rcvd.code == 4401
    with _ws(server) as ws:
        ws.send("not json at all")
        assert json.loads(ws.recv(timeout=10))["type"] == "error"
    wait_until(lambda: "401: WebSocket /api/events" in server.log, what="the 401 log line")
    assert tokens["obs"] not in server.log


def test_a_scan_streams_start_every_point_stop_and_output(server, clients, tokens):
    op1 = clients["op1"]
    op1.baton("take")
    with _ws(server, tokens["obs"]) as ws:
        _until(ws, lambda e: e["type"] == "queue")
        item = op1.submit("scan(sm, 0, 0.5, 0.1, sdet, 0.01)")
        events = _until(ws, lambda e: e["type"] == "item" and e["item"]["status"] == "completed")
    kinds = [e["type"] for e in events]
    start = next(e for e in events if e["type"] == "scan_start")
    points = _points(events)
    stop = next(e for e in events if e["type"] == "scan_stop")
    assert kinds.index("scan_start") < kinds.index("scan_points") < kinds.index("scan_stop")
    assert start["item_id"] == item["id"] and start["num_points"] == 6 and start["shape"] == [6]
    assert [c["name"] for c in start["columns"]] == ["sm", "sdet"]
    assert [p["index"] for p in points] == list(range(6))
    assert [p["data"]["sm"] for p in points] == pytest.approx([0, 0.1, 0.2, 0.3, 0.4, 0.5])
    assert stop["status"] == "COMPLETED_OKAY" and stop["num_points"] == 6
    output = [e for e in events if e["type"] == "output"]
    assert [e["seq"] for e in output] == [sum(len(e["lines"]) for e in output[:k]) for k in range(len(output))]
    lines = _lines(events)
    assert lines[0].startswith("Writing data to file: ") and lines[0].endswith(f"-{start['scan_number']}.nxs")
    assert lines[1].startswith(f"Scan {start['scan_number']}: scan sm 0 0.5 0.1 sdet 0.01")
    assert "Scan complete." in lines
    statuses = [e["item"]["status"] for e in events if e["type"] == "item"]
    assert statuses == ["running", "completed"]


def test_a_client_vanishing_mid_stream_does_not_disturb_the_server(server, clients, tokens):
    op1 = clients["op1"]
    op1.baton("take")
    with _ws(server, tokens["obs"]) as steady:
        with _ws(server, tokens["op2"]) as leaver:
            item = op1.submit("scan(sm, 0, 1, 0.1, sdet, 0.01)")
            _until(leaver, lambda e: e["type"] == "scan_points" and e["points"][-1]["index"] >= 2)
            leaver.socket.shutdown(socket.SHUT_RDWR)  # gone without a close frame, as a crashed browser
            leaver.socket.close()
        events = _until(steady, lambda e: e["type"] == "item" and e["item"]["status"] != "running")
    assert events[-1]["item"]["status"] == "completed"
    assert [p["index"] for p in _points(events)] == list(range(11))
    assert op1.item(item["id"])["status"] == "completed"
    assert op1.status()["worker"] == "idle"


def test_a_client_that_never_reads_neither_blocks_the_scan_nor_the_others(server, clients, tokens):
    op1 = clients["op1"]
    op1.baton("take")
    host, port = urlparse(server.url).hostname, urlparse(server.url).port
    stuck = socket.create_connection((host, port), timeout=10)
    stuck.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    stuck.sendall(
        f"GET /api/events?token={tokens['obs']} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
        "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n".encode()
    )
    try:
        with _ws(server, tokens["op2"]) as ws:
            _until(ws, lambda e: e["type"] == "queue")
            t0 = time.monotonic()
            item = op1.submit("scan(fast, 0, 1, 0.0005, fdet)")  # 2001 points and 2001 table rows
            events = _until(ws, lambda e: e["type"] == "item" and e["item"]["status"] != "running", timeout=60)
            elapsed = time.monotonic() - t0
        assert events[-1]["item"]["status"] == "completed", op1.item(item["id"])["error"]
        assert [p["index"] for p in _points(events)] == list(range(2001))
        assert elapsed < 30
        assert op1.status()["worker"] == "idle"
    finally:
        stuck.close()


def test_the_hub_drops_events_for_a_slow_subscriber_and_counts_them():
    async def scenario() -> tuple[int, int, int]:
        hub = EventHub()
        hub.bind(asyncio.get_running_loop())
        slow, fast = hub.subscribe(size=3), hub.subscribe(size=100)

        def publish_many() -> None:
            for n in range(10):
                hub.publish(OutputEvent(item_id=1, seq=n, lines=[f"line {n}"]))

        await asyncio.to_thread(publish_many)  # its completion is queued after the ten fan-outs
        await asyncio.sleep(0)
        return slow.queue.qsize(), slow.dropped, fast.queue.qsize()

    assert asyncio.run(scenario()) == (3, 7, 10)
    assert DroppedEvent(count=7).model_dump() == {"type": "dropped", "count": 7}


def test_a_fast_scan_comes_in_pages_every_point_once_in_order(server, clients, tokens):
    """10001 points made in well under a second: sent one by one to each watcher they were once a
    backlog of seconds; they come as pages, and the page count shows they were grouped."""
    op1 = clients["op1"]
    op1.baton("take")
    with _ws(server, tokens["obs"]) as ws:
        _until(ws, lambda e: e["type"] == "queue")
        item = op1.submit("scan(fast, 0, 1, 0.0001, fdet)")
        events = _until(ws, lambda e: e["type"] == "item" and e["item"]["status"] != "running", timeout=60)
    assert events[-1]["item"]["status"] == "completed", op1.item(item["id"])["error"]
    pages = [e for e in events if e["type"] == "scan_points"]
    assert [p["index"] for p in _points(events)] == list(range(10001)), server.log[-3000:]
    assert all(e["item_id"] == item["id"] for e in pages)
    assert len(pages) < 1000
    rows = [line for line in _lines(events) if line.lstrip()[:1].isdigit()]
    assert len(rows) == 10001
    assert _lines(events) == op1.item(item["id"])["output"]
