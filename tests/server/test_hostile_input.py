"""Hostile and malformed requests against a real server: each gets a 4xx with a one-line reason,
nothing bad is stored, and the queue keeps working. A bounded hypothesis fuzz asserts no 5xx."""

from __future__ import annotations

import json

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

SURROGATE = "\ud800"


def _raw(server, tokens, method: str, path: str, body: bytes | None = None) -> httpx.Response:
    """One request with a raw body (a fresh connection, so a failure cannot leak into the next)."""
    headers = {"Authorization": f"Bearer {tokens['op1']}", "Content-Type": "application/json"}
    return httpx.request(method, server.url + path, content=body, headers=headers, timeout=60)


def _one_line_4xx(response: httpx.Response, *expected: int) -> str:
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:300])
    if expected:
        assert response.status_code in expected, (response.status_code, response.text[:300])
    detail = response.json()["detail"]
    assert isinstance(detail, str) and detail and "\n" not in detail, detail
    return detail


@pytest.fixture
def op1(clients):
    clients["op1"].baton("take")
    clients["op1"].hold(True)  # nothing runs: what is queued stays to be listed
    yield clients["op1"]
    for item in clients["op1"].queue():
        if item["status"] == "queued":
            clients["op1"].remove(item["id"])
    clients["op1"].hold(False)


@pytest.mark.parametrize("body", [
    {"kind": "macro", "name": "count_to", "args": ["1", SURROGATE]},
    {"kind": "command", "command": f"print('{SURROGATE}')"},
    {"kind": "script", "text": "x = 1\n", "name": SURROGATE},
    {"kind": "script", "text": f"# {SURROGATE}\n"},
    {"kind": "command", "command": "1", SURROGATE: 1},
], ids=["macro-arg", "command", "script-name", "script-text", "key"])
def test_a_lone_surrogate_is_refused_at_the_door_and_the_queue_still_lists(server, tokens, op1, body):
    r = _raw(server, tokens, "POST", "/api/queue", json.dumps(body).encode())  # json escapes it as \ud800
    detail = _one_line_4xx(r, 422)
    assert "surrogate" in detail, detail
    assert op1.queue() == []
    assert _raw(server, tokens, "GET", "/api/queue").status_code == 200


def test_invalid_utf8_in_a_body_is_refused(server, tokens, op1):
    r = _raw(server, tokens, "POST", "/api/queue", b'{"kind": "command", "command": "\xed\xa0\x80"}')
    _one_line_4xx(r, 400, 422)
    r = _raw(server, tokens, "POST", "/api/queue", b'{"kind": "command", "command": "\xff"}')
    _one_line_4xx(r, 400, 422)
    assert op1.queue() == []


@pytest.mark.parametrize("command", [
    "-" * 100_000 + "1",
    "1+" * 60_000 + "1",
    "not " * 40_000 + "x",
    "(" * 300 + "1" + ")" * 300,
    "print(1)\x00",
], ids=["unary", "sum", "not", "parentheses", "nul"])
def test_a_command_nested_too_deeply_is_refused_with_a_reason(server, tokens, op1, command):
    r = _raw(server, tokens, "POST", "/api/queue", json.dumps({"kind": "command", "command": command}).encode())
    detail = _one_line_4xx(r, 422)
    assert "None" not in detail and len(detail) < 400, detail
    assert op1.queue() == []


BIG = 2**63
@pytest.mark.parametrize(("method", "path", "body"), [
    ("POST", f"/api/queue/{BIG}/move", b'{"position": 0}'),
    ("DELETE", f"/api/queue/{BIG}", None),
    ("GET", f"/api/items/{BIG}", None),
    ("GET", f"/api/items/{-BIG - 1}", None),
    ("GET", f"/api/items/{10**30}", None),
    ("POST", "/api/queue/1/move", b'{"position": NaN}'),
    ("POST", "/api/queue/1/move", b'{"position": Infinity}'),
    ("POST", "/api/queue/1/move", b'{"position": -Infinity}'),
    ("POST", "/api/queue/1/move", b'{"position": 1e400}'),
    ("POST", "/api/queue/1/move", b'{"position": "\\ud800"}'),
    ("GET", "/api/history?limit=NaN", None),
    ("GET", "/api/history?limit=99999999999999999999999", None),
    ("POST", "/api/queue", b"[" * 100_000 + b"]" * 100_000),
    ("POST", "/api/queue", b'{"kind": NaN}'),
], ids=lambda v: v if isinstance(v, str) and len(v) < 40 else None)
def test_malformed_requests_get_a_4xx_with_a_one_line_reason(server, tokens, op1, method, path, body):
    _one_line_4xx(_raw(server, tokens, method, path, body))
    assert _raw(server, tokens, "GET", "/api/queue").status_code == 200


# --- fuzzing ---------------------------------------------------------------------------------------
_text = st.text(st.characters(codec=None, blacklist_categories=()), max_size=40)  # includes lone surrogates
_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | _text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_text, inner, max_size=4),
    max_leaves=12,
)
_ids = st.integers() | st.sampled_from([0, 2**63 - 1, 2**63, -(2**63), 10**40])


@st.composite
def _requests(draw) -> tuple[str, str, bytes | None]:
    item_id = draw(_ids)
    submission = st.fixed_dictionaries(
        {"kind": st.sampled_from(["command", "script", "macro"]) | _text},
        optional={"command": _json, "text": _json, "name": _json, "args": _json, "position": _json, "x": _json},
    )
    method, path, body_strategy = draw(st.sampled_from([
        ("POST", "/api/queue", submission | _json),
        ("POST", f"/api/queue/{item_id}/move", st.fixed_dictionaries({"position": _json}) | _json),
        ("DELETE", f"/api/queue/{item_id}", st.none()),
        ("GET", f"/api/items/{item_id}", st.none()),
        ("GET", f"/api/history?limit={draw(_ids)}", st.none()),
        ("GET", f"/api/audit?limit={draw(_ids)}&item_id={item_id}&before={draw(_ids)}", st.none()),
        ("POST", f"/api/scan/{draw(st.sampled_from(['pause', 'resume', 'finish-early', 'abort']))}", _json),
        ("POST", "/api/queue/hold", _json),
    ]))
    body = draw(body_strategy)
    raw = None if body is None else json.dumps(body).encode()  # NaN/Infinity as Python writes them
    return method, path, raw


@pytest.mark.slow
def test_fuzzed_requests_never_get_a_5xx(server, tokens, op1):
    http = httpx.Client(base_url=server.url, timeout=60,
                        headers={"Authorization": f"Bearer {tokens['op1']}", "Content-Type": "application/json"})
    seen: dict[int, int] = {}

    @settings(max_examples=400, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
    @given(_requests())
    def check(request: tuple[str, str, bytes | None]) -> None:
        method, path, body = request
        r = http.request(method, path, content=body)
        seen[r.status_code] = seen.get(r.status_code, 0) + 1
        assert r.status_code < 500, (method, path, body[:200] if body else None, r.text[:300])
        if r.status_code >= 400:
            detail = r.json()["detail"]
            assert isinstance(detail, str) and "\n" not in detail, (method, path, detail)

    try:
        check()
    finally:
        http.close()
    assert sum(n for s, n in seen.items() if 400 <= s < 500) > 100, seen  # the fuzzer did reach the checks
    assert http.is_closed and _raw(server, tokens, "GET", "/api/queue").status_code == 200


def test_an_item_that_prints_or_raises_text_utf8_cannot_carry_is_shown_escaped(server, tokens, clients):
    op1 = clients["op1"]
    op1.baton("take")
    printed = op1.wait(op1.submit('print("bad \\udc80 text")')["id"], timeout=30)  # the source itself is ASCII
    assert printed["status"] == "completed" and printed["output"] == ["bad \\udc80 text"]
    raised = op1.wait(op1.submit('raise ValueError("\\ud800")')["id"], timeout=30)
    assert raised["status"] == "failed" and raised["error"] == "ValueError: \\ud800"
    assert [i["id"] for i in op1.history(2)] == [raised["id"], printed["id"]]
    assert _raw(server, tokens, "GET", "/api/queue").status_code == 200
