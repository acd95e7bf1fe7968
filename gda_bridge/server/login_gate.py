"""The cheap front door for logins under attack: a request whose token the server does not know
already, from a client (or for a token id) that has failed too often lately, is answered 429
before routing, so a flood of wrong tokens costs a header lookup each, not a hash, and the real
users' requests are served in between."""

from __future__ import annotations

import json
import logging
import math
import threading
import time

from starlette.types import ASGIApp, Receive, Scope, Send

from gda_bridge.server.tokens import LoginThrottled

log = logging.getLogger("gda_bridge.server")

LOG_EVERY = 5.0
"""Seconds between log lines about refused logins (a flood must not flood the log)."""


class RefusalLog:
    """Logs the first 429 and then at most one line per ``LOG_EVERY`` s with the count."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last = -math.inf
        self._count = 0

    def refused(self, where: str, client: str, exc: LoginThrottled) -> None:
        now = time.monotonic()
        with self._lock:
            self._count += 1
            if now - self._last < LOG_EVERY:
                return
            count, self._count, self._last = self._count, 0, now
        log.warning("429: %s from %s (%s)%s", where, client, exc, f"; {count} refused since the last line" if count > 1 else "")


def _bearer(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            return token.strip() if scheme.lower() == "bearer" else None
    return None


class LoginGate:
    """ASGI middleware: 429 with ``Retry-After`` at once for a throttled, not yet known token."""

    def __init__(self, app: ASGIApp, refusals: RefusalLog) -> None:
        self.app = app
        self.refusals = refusals

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        service = scope["app"].state.service if scope["type"] == "http" and "app" in scope else None
        if service is None or not scope["path"].startswith("/api/"):
            await self.app(scope, receive, send)
            return
        host = scope["client"][0] if scope.get("client") else "?"
        refusal = service.tokens.refused_early(_bearer(scope), host)
        if refusal is None:
            await self.app(scope, receive, send)
            return
        self.refusals.refused(f"{scope['method']} {scope['path']}", host, refusal)
        body = json.dumps({"detail": str(refusal)}).encode()
        await send({"type": "http.response.start", "status": 429, "headers": [
            (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
            (b"retry-after", str(math.ceil(refusal.retry_after)).encode()),
        ]})
        await send({"type": "http.response.body", "body": body})
