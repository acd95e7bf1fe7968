"""Who is connected: the open WebSockets by token, when each name was last seen, and the watch
that acts on them: a removed token's WebSockets are closed and its baton released at once, and
the baton of a holder gone for ``baton_timeout`` seconds is released."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from starlette.concurrency import run_in_threadpool

from gda_bridge.server.audit import AuditLog
from gda_bridge.server.models import Identity, Role
from gda_bridge.server.service import Service, ServiceError
from gda_bridge.server.tokens import TokenError

log = logging.getLogger("gda_bridge.server")

BATON_TIMEOUT = 300.0
"""Default seconds the baton stays with a holder who has neither a WebSocket open nor made a
request (``--baton-timeout``; 0: never released for that)."""
WATCH_EVERY = 0.5
"""Seconds between looks at the token file and the baton."""


@dataclass(eq=False)
class Connection:
    """One open WebSocket; ``revoked`` is set (with ``reason``) when it must close."""

    name: str
    token_id: str | None
    revoked: asyncio.Event = field(default_factory=asyncio.Event)
    reason: str = ""


class Connections:
    """The open WebSockets and the last time each name was seen; used on the event loop's thread,
    except ``seen`` (any thread)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._open: set[Connection] = set()
        self._last_seen: dict[str, float] = {}

    def seen(self, name: str) -> None:
        self._last_seen[name] = self._clock()

    def open(self, who: Identity, token_id: str | None) -> Connection:
        conn = Connection(who.name, token_id)
        self._open.add(conn)
        self.seen(who.name)
        return conn

    def close(self, conn: Connection) -> None:
        self._open.discard(conn)
        self.seen(conn.name)

    def away_for(self, name: str) -> float:
        """Seconds since ``name`` last had a WebSocket open or made a request (0: connected now)."""
        if any(c.name == name for c in self._open):
            return 0.0
        return self._clock() - self._last_seen.get(name, self._clock())

    def revoke(self, valid_ids: set[str]) -> list[Connection]:
        """Mark the connections of tokens no longer in the file; returns them."""
        gone = [c for c in self._open if c.token_id not in valid_ids and not c.revoked.is_set()]
        for conn in gone:
            conn.reason = "your token was removed"
            conn.revoked.set()
        return gone


def _release(service: Service, audit: AuditLog | None, holder: str, action: str, why: str) -> None:
    log.warning("baton of %s released: %s", holder, why)
    try:
        service.release_baton(Identity(name=holder, role=Role.OPERATOR))
    except ServiceError:  # released or taken over meanwhile
        return
    if audit is not None:
        audit.record("server", action, None, f"baton of {holder} released: {why}")


async def look(service: Service, connections: Connections, audit: AuditLog | None, baton_timeout: float) -> None:
    """One look at the token file and the baton; on the event loop (the file and the database in
    a worker thread)."""
    try:
        ids = await run_in_threadpool(service.tokens.ids)
    except TokenError as exc:
        log.error("cannot check for removed tokens: %s", exc)
        return
    for conn in connections.revoke(set(ids)):
        log.warning("token of %s removed: closing its WebSocket", conn.name)
    holder = service.baton().holder
    if holder is None:
        return
    if holder not in ids.values():
        await run_in_threadpool(_release, service, audit, holder, "token-removed", "the holder's token was removed")
    elif baton_timeout > 0 and (away := connections.away_for(holder)) >= baton_timeout:
        why = f"no connection from the holder for {away:.0f} s (--baton-timeout {baton_timeout:g})"
        await run_in_threadpool(_release, service, audit, holder, "baton-timeout", why)


async def watch(service: Service, connections: Connections, audit: AuditLog | None, baton_timeout: float) -> None:
    """Look every ``WATCH_EVERY`` s (more often for a short timeout) until cancelled."""
    every = min(WATCH_EVERY, baton_timeout / 4) if baton_timeout > 0 else WATCH_EVERY
    while True:
        try:
            await look(service, connections, audit, baton_timeout)
        except Exception:
            log.exception("watching tokens and the baton failed")
        await asyncio.sleep(every)
