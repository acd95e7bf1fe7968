"""Logins under attack: wrong tokens are throttled per client and per token id before they are
hashed, and do not slow the real users (this module's server is throttled for 127.0.0.1 after it)."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import textwrap
import time

import httpx
import pytest
from websockets.exceptions import ConnectionClosed

from gda_bridge.server import throttle
from gda_bridge.server.client import ServerClient
from gda_bridge.server.throttle import LoginThrottle
from tests.server.test_login import _ws


def test_the_throttle_waits_longer_after_each_failure_and_forgets(monkeypatch):
    now = [1000.0]
    t = LoginThrottle(clock=lambda: now[0])
    for _ in range(throttle.FREE_FAILURES):
        assert t.attempt("10.0.0.1", "token aaa") == (0.0, None)
    assert t.attempt("10.0.0.1", "token bbb") == (throttle.FIRST_WAIT, "10.0.0.1")  # this client waits
    assert t.attempt("10.0.0.2", "token aaa") == (throttle.FIRST_WAIT, "token aaa")  # so does this token id
    assert t.attempt("10.0.0.2", "token bbb") == (0.0, None)  # others do not
    now[0] += throttle.FIRST_WAIT
    assert t.attempt("10.0.0.1") == (0.0, None)  # one more try, then twice as long
    assert t.attempt("10.0.0.1") == (2 * throttle.FIRST_WAIT, "10.0.0.1")
    now[0] += 2 * throttle.FIRST_WAIT
    assert t.attempt("10.0.0.1") == (0.0, None)
    t.succeeded("10.0.0.1")  # a right token clears the count
    assert t.attempt("10.0.0.1") == (0.0, None)
    for _ in range(40):
        now[0] += throttle.MAX_WAIT
        t.attempt("10.0.0.3")
    assert t.attempt("10.0.0.3")[0] <= throttle.MAX_WAIT
    now[0] += throttle.FORGET_AFTER + 1
    assert t.attempt("10.0.0.3") == (0.0, None)
    monkeypatch.setattr(throttle, "MAX_KEYS", 3)
    for n in range(10):
        t.attempt(f"10.1.0.{n}")
    assert len(t._failures) == 3  # guessing from many addresses cannot fill the memory


ATTACK = textwrap.dedent("""
    import json, sys, threading, httpx
    url, tokens = sys.argv[1], json.loads(sys.stdin.read())
    answers, lock = [], threading.Lock()
    def attack(batch):
        with httpx.Client(base_url=url, timeout=60) as http:
            for token in batch:
                r = http.get("/api/status", headers={"Authorization": f"Bearer {token}"})
                with lock:
                    answers.append((r.status_code, r.headers.get("retry-after"), r.json()["detail"]))
    threads = [threading.Thread(target=attack, args=(tokens[n::8],)) for n in range(8)]
    for t in threads: t.start()
    for t in threads: t.join()
    print(json.dumps(answers))
""")


def test_wrong_tokens_are_refused_early_and_do_not_slow_a_real_user(server, clients, tokens):
    obs = clients["obs"]
    for c in clients.values():
        c.whoami()  # every real user has logged in before the attack
    target = tokens["op2"].rsplit("_", 1)[0]  # a real token id with wrong secrets: each costs a hash
    wrong = [f"{target}_{'w' * 30}{n:013d}" for n in range(200)]
    attacker = subprocess.Popen([sys.executable, "-c", ATTACK, server.url], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, text=True)
    attacker.stdin.write(json.dumps(wrong))
    attacker.stdin.close()
    latencies = []
    while attacker.poll() is None or len(latencies) < 20:
        start = time.perf_counter()
        obs.status()
        latencies.append(time.perf_counter() - start)
    answers = json.loads(attacker.stdout.read())
    attacker.stdout.close()

    codes = [code for code, _, _ in answers]
    assert len(codes) == 200 and set(codes) <= {401, 429}, set(codes)
    assert codes.count(401) <= throttle.FREE_FAILURES + 3, codes.count(401)  # hashed: only the first few
    _, retry_after, detail = next(a for a in answers if a[0] == 429)
    assert int(retry_after) >= 1 and "too many failed logins from 127.0.0.1; try again in" in detail
    # before the throttle: 384 ms on average, 2.3 s at worst (every wrong token was hashed)
    slowest_tenth = statistics.quantiles(latencies, n=10)[-1]
    assert statistics.median(latencies) < 0.05 and slowest_tenth < 0.3, sorted(round(x * 1000) for x in latencies)
    # the real users, known already, are not locked out; a fresh login of this token id must wait
    assert clients["op2"].whoami()["name"] == "op2" and obs.whoami()["name"] == "obs"
    with ServerClient(server.url, tokens["op2"]) as fresh_op2:
        assert fresh_op2.whoami()["name"] == "op2"  # remembered by the server, not by the client
    assert httpx.get(server.url + "/api/health").status_code == 200  # no token: nothing to guess, not throttled
    assert httpx.get(server.url + "/api/status").status_code == 401
    codes = []
    for token in wrong[:3]:  # the WebSocket is throttled too (the first may find the wait just over)
        with _ws(server, token, first=("error",)) as ws, pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=10)
        codes.append(closed.value.rcvd.code)
    assert 4429 in codes and set(codes) <= {4401, 4429}, codes




def test_many_logins_at_once_with_one_right_token_all_get_in(tmp_path):
    """20 watchers (or a page's tabs after a server restart) log in with the same token at once:
    they wait for one check of it instead of each counting as an attempt, so none is refused."""
    import threading

    from gda_bridge.server.tokens import LoginThrottled, TokenStore

    store = TokenStore(tmp_path / "tokens.json")
    token = store.add("alice", "operator")
    barrier = threading.Barrier(20)
    results: list[object] = []

    def login() -> None:
        barrier.wait(10)
        try:
            results.append(store.authenticate(token, "127.0.0.1"))
        except LoginThrottled as exc:
            results.append(exc)

    threads = [threading.Thread(target=login) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert [getattr(r, "name", r) for r in results] == ["alice"] * 20
