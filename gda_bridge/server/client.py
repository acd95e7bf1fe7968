"""The thin client: every call is one HTTP request (or a WebSocket for watching); no engine."""

from __future__ import annotations

import json
import ssl
import time
from collections.abc import Iterator
from typing import Any

import httpx
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from gda_bridge.core.errors import GdaBridgeError

FINAL = {"completed", "failed", "aborted", "interrupted"}


class ServerRequestError(GdaBridgeError):
    """The server refused a request; ``status`` is the HTTP status."""

    def __init__(self, status: int, detail: str) -> None:
        self.status = status
        self.detail = detail
        super().__init__(f"{status}: {detail}")


def _detail(response: httpx.Response) -> str:
    try:
        detail = response.json().get("detail", response.text)
    except ValueError:
        return response.text or response.reason_phrase
    if isinstance(detail, list):  # a validation error: where and what
        return "; ".join(f"{'.'.join(str(p) for p in e.get('loc', ())[1:])}: {e.get('msg')}" for e in detail)
    return str(detail)


class ServerClient:
    """The server's API as methods; raises ServerRequestError on any 4xx/5xx answer."""

    def __init__(self, url: str, token: str | None, timeout: float = 30.0, verify: bool | str = True) -> None:
        """``verify``: for https, True (the system's CAs), a CA file to trust, or False (none)."""
        self.url = url.rstrip("/")
        self.token = token
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._ssl: ssl.SSLContext | None = None
        if self.url.startswith("https:"):
            self._ssl = ssl.create_default_context(cafile=verify if isinstance(verify, str) else None)
            if verify is False:
                self._ssl.check_hostname = False
                self._ssl.verify_mode = ssl.CERT_NONE
        self.http = httpx.Client(base_url=self.url, headers=headers, timeout=timeout, verify=self._ssl or True)

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> ServerClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.http.request(method, path, **kwargs)
        if response.status_code >= 400:
            raise ServerRequestError(response.status_code, _detail(response))
        return response.json()

    def status(self) -> dict:
        return self.request("GET", "/api/status")

    def whoami(self) -> dict:
        return self.request("GET", "/api/whoami")

    def queue(self) -> list[dict]:
        return self.request("GET", "/api/queue")

    def history(self, limit: int = 20) -> list[dict]:
        return self.request("GET", "/api/history", params={"limit": limit})

    def item(self, item_id: int) -> dict:
        return self.request("GET", f"/api/items/{item_id}")

    def submit(self, command: str) -> dict:
        return self.request("POST", "/api/queue", json={"kind": "command", "command": command})

    def submit_script(self, text: str, name: str = "script") -> dict:
        return self.request("POST", "/api/queue", json={"kind": "script", "text": text, "name": name})

    def submit_macro(self, name: str, args: list[str]) -> dict:
        return self.request("POST", "/api/queue", json={"kind": "macro", "name": name, "args": args})

    def move(self, item_id: int, position: int) -> list[dict]:
        return self.request("POST", f"/api/queue/{item_id}/move", json={"position": position})

    def remove(self, item_id: int) -> list[dict]:
        return self.request("DELETE", f"/api/queue/{item_id}")

    def control(self, action: str) -> str:
        """pause, resume, finish-early or abort."""
        return self.request("POST", f"/api/scan/{action}")["detail"]

    def stop_all(self) -> str:
        return self.request("POST", "/api/stop-all")["detail"]

    def hold(self, held: bool = True) -> dict:
        return self.request("POST", "/api/queue/hold" if held else "/api/queue/release")

    def baton(self, action: str | None = None) -> dict:
        """None: who holds it; take, release or steal."""
        if action is None:
            return self.request("GET", "/api/baton")
        return self.request("POST", f"/api/baton/{action}")

    def events(self, timeout: float | None = None) -> Iterator[dict]:
        """Live events until the server closes (or ``timeout`` s pass without one)."""
        ws_url = "ws" + self.url[len("http"):] + "/api/events"
        with connect(ws_url, open_timeout=10, max_size=16 * 1024 * 1024, ssl=self._ssl) as ws:
            ws.send(json.dumps({"token": self.token}))
            while True:
                try:
                    text = ws.recv(timeout=timeout)
                except (ConnectionClosed, TimeoutError):
                    return
                event = json.loads(text)
                if event.get("type") == "error":
                    raise ServerRequestError(401, event.get("detail", "refused"))
                yield event

    def wait(self, item_id: int, timeout: float | None = None) -> dict:
        """Poll until the item has finished; returns it (with its output)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        delay = 0.05
        while True:
            item = self.item(item_id)
            if item["status"] in FINAL:
                return item
            if deadline is not None and time.monotonic() > deadline:
                raise TimeoutError(f"item {item_id} is still {item['status']} after {timeout} s")
            time.sleep(delay)
            delay = min(delay * 2, 0.5)
