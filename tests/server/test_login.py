"""After login: removing a token closes its WebSockets and frees its baton; a baton whose holder has
gone is released after --baton-timeout."""

from __future__ import annotations

import contextlib
import json
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from gda_bridge.server.client import ServerClient
from gda_bridge.server.tokens import TokenStore
from tests.server.conftest import ServerProcess, wait_until

BATON_TIMEOUT = 2.0


@pytest.fixture(scope="module")
def server(server_dir, tokens) -> Iterator[ServerProcess]:
    """This module's server releases an absent holder's baton after BATON_TIMEOUT s."""
    proc = ServerProcess(server_dir, Path(tokens["_path"]), server_dir / "queue.sqlite",
                         "--baton-timeout", str(BATON_TIMEOUT))
    yield proc
    assert proc.stop() in (0, -signal.SIGTERM), proc.log


@contextlib.contextmanager
def _ws(server, token: str, first: tuple[str, ...] = ("status", "queue")) -> Iterator:
    with connect(server.url.replace("http", "ws", 1) + "/api/events", open_timeout=10) as ws:
        ws.send(json.dumps({"token": token}))
        assert [json.loads(ws.recv(timeout=10))["type"] for _ in first] == list(first)
        yield ws


def _audit_actions(admin: ServerClient, since: float) -> list[tuple[str, str]]:
    return [(e["who"], e["action"]) for e in admin.request("GET", "/api/audit") if e["time"] >= since]


def test_removing_a_token_closes_its_websockets_and_releases_its_baton(server, clients, tokens):
    store = TokenStore(tokens["_path"])
    temp = store.add("temp", "operator")
    since = time.time()
    with ServerClient(server.url, temp) as client:
        assert client.baton("take")["holder"] == "temp"
    events = []
    with _ws(server, temp) as ws, pytest.raises(ConnectionClosed) as closed:
        store.remove("temp")
        start = time.monotonic()
        while True:
            events.append(json.loads(ws.recv(timeout=10)))
    assert time.monotonic() - start < 3
    assert closed.value.rcvd.code == 4401
    assert events[-1] == {"type": "error", "detail": "your token was removed"}
    admin = clients["admin"]
    wait_until(lambda: admin.baton()["holder"] is None, timeout=3, what="the removed token's baton to be free")
    assert ("server", "token-removed") in _audit_actions(admin, since)
    with httpx.Client(base_url=server.url) as http:
        assert http.get("/api/status", headers={"Authorization": f"Bearer {temp}"}).status_code in (401, 429)


def test_the_baton_is_released_when_its_holder_has_been_gone_for_the_timeout(server, clients):
    op1, admin = clients["op1"], clients["admin"]
    since = time.time()
    op1.baton("take")
    with _ws(server, op1.token):
        # connected: kept well past the timeout (nothing must happen, so this waits on purpose)
        deadline = time.monotonic() + 2 * BATON_TIMEOUT
        while time.monotonic() < deadline:
            assert admin.baton()["holder"] == "op1"
            time.sleep(0.2)
    gone = time.monotonic()
    wait_until(lambda: admin.baton()["holder"] is None, timeout=BATON_TIMEOUT + 3, what="the baton to be released")
    assert time.monotonic() - gone >= BATON_TIMEOUT - 0.3
    assert ("server", "baton-timeout") in _audit_actions(admin, since)


def test_a_negative_or_nan_baton_timeout_is_refused_at_start(tmp_path):
    for value in ("-1.0", "nan"):
        done = subprocess.run([sys.executable, "-m", "gda_bridge.cli.main", "server", "--baton-timeout", value,
                               "--tokens", str(tmp_path / "t.json"), "--db", str(tmp_path / "q.sqlite")],
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 2 and f"--baton-timeout {value}: give seconds >= 0" in done.stderr, done.stderr
