"""Pages: many scan points, or many output lines, in one message.

A fast scan makes a point (and a table row) every few tens of microseconds; sent one by one to
every watcher that is hundreds of thousands of messages a second, which no server can send, so
clients fell seconds behind and the event that a scan ended waited behind the backlog. The worker
process therefore sends what piles up between two sends (at most one send per ``LINGER`` while
points flow) as pages, as bluesky's EventPage does; a point or line that comes alone after a quiet
spell goes at once. Anything else (a scan's start or end, an item's end) goes at once too, after
the pages before it, so the order is kept.
"""

from __future__ import annotations

from typing import Any

LINGER = 0.05
"""Seconds a point or an output line may wait for more to join its page (at most 20 pages/s)."""
MAX_PAGE = 2000
"""Points or lines in one page."""

_PAGES = {"scan_point": ("scan_points", "points"), "line": ("lines", "texts")}


def pageable(message: dict[str, Any]) -> bool:
    """A message that may wait a little to travel with others of its kind."""
    return message.get("type") in _PAGES


def paged(batch: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The batch with the scan points (``{"type": "scan_point", "index", "data"}``) between two
    other messages made ``scan_points`` pages and the output lines (``{"type": "line", "text"}``)
    ``lines`` messages. Points keep their order among themselves, lines among themselves, and
    both relative to every other message (a scan's rows and points interleave: they are two
    streams, each paged on its own)."""
    out: list[dict[str, Any]] = []
    open_pages: dict[str, dict[str, Any]] = {}
    for message in batch:
        kind = message.get("type")
        if kind not in _PAGES:
            open_pages.clear()
            out.append(message)
            continue
        page_type, field = _PAGES[kind]
        entry = {"index": message["index"], "data": message["data"]} if kind == "scan_point" else message["text"]
        page = open_pages.get(kind)
        if page is None or len(page[field]) >= MAX_PAGE:
            page = open_pages[kind] = {"type": page_type, field: []}
            out.append(page)
        page[field].append(entry)
    return out
