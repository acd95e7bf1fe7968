"""Queued code runs in the worker process and cannot reach the server's secrets or authority.

Against a real server: a queued item tries to read the token file, open the queue database, signal
the API process and read its /proc environment and memory; each must fail and the server must go
on serving. As root (this machine, CI) the worker runs as ``nobody``; a server that is not root
keeps only the separation it can (asserted by the second test).
"""

from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path

import pytest

from gda_bridge.server.client import ServerClient
from tests.server.conftest import ServerProcess, wait_until

SECRET_ENV = "GDA_BRIDGE_TOKEN"

HOSTILE = textwrap.dedent("""
    import json, os, signal, sqlite3
    found = {{}}
    own = []  # what the worker process has open before this code opens anything
    for fd in os.listdir("/proc/self/fd"):
        try:
            own.append(os.readlink(f"/proc/self/fd/{{fd}}"))
        except OSError:
            pass
    found["own_fds"] = own
    def attempt(name, action):
        try:
            found[name] = repr(action())[:300]
        except Exception as exc:
            found[name] = "DENIED " + type(exc).__name__
    api = {api_pid}  # the server's process, which the test started
    attempt("tokens", lambda: open({tokens!r}).read())
    attempt("db_read", lambda: sqlite3.connect({db!r}).execute("SELECT id, text FROM items").fetchall())
    if {destructive!r}:
        attempt("tokens_mint", lambda: open({tokens!r}, "w").write('{{"tokens": [{{"id": "0", "name": "mallory", "role": "admin"}}]}}'))
        attempt("db_delete", lambda: sqlite3.connect({db!r}, isolation_level=None).execute("DELETE FROM items").rowcount)
        attempt("db_unlink", lambda: os.remove({db!r}))
        attempt("signal", lambda: os.kill(api, signal.SIGTERM))
    attempt("environ", lambda: open(f"/proc/{{api}}/environ", "rb").read())
    attempt("mem", lambda: open(f"/proc/{{api}}/mem", "rb").read(16))
    attempt("fds", lambda: os.listdir(f"/proc/{{api}}/fd"))
    attempt("secret_env", lambda: os.environ.get({env!r}))
    attempt("uid", lambda: os.getuid())
    print("FOUND " + json.dumps(found))
""")


def _hostile_run(server: ServerProcess, token: str, tokens_path: Path, db: Path, destructive: bool = True) -> dict:
    with ServerClient(server.url, token) as admin:
        admin.baton("take")
        before = admin.wait(admin.submit("'a row to keep'")["id"], timeout=60)
        code = HOSTILE.format(tokens=str(tokens_path), db=str(db), env=SECRET_ENV, destructive=destructive,
                              api_pid=server.proc.pid)
        done = admin.wait(admin.submit_script(code)["id"], timeout=60)
        assert done["status"] == "completed", done
        found = json.loads(next(line for line in done["output"] if line.startswith("FOUND "))[len("FOUND "):])
        # the server is still there and its history intact
        assert server.proc.poll() is None
        assert admin.item(before["id"])["output"] == ["'a row to keep'"]
        after = admin.wait(admin.submit("1 + 1")["id"], timeout=60)
        assert after["output"] == ["2"]
        admin.baton("release")
    return found


@pytest.fixture
def secret_env(monkeypatch):
    monkeypatch.setenv(SECRET_ENV, "gdb_000000000000_this-must-not-reach-the-worker")
    return os.environ[SECRET_ENV]


@pytest.mark.skipif(os.geteuid() != 0, reason="the worker runs as another user only when the server is root")
def test_queued_code_cannot_read_tokens_or_database_nor_signal_or_read_the_api_process(server_dir, tokens, secret_env):
    db = server_dir / "isolation.sqlite"
    tokens_path = Path(tokens["_path"])
    server = ServerProcess(server_dir, tokens_path, db)
    try:
        token_file = tokens_path.read_bytes()
        found = _hostile_run(server, tokens["admin"], tokens_path, db)
        assert tokens_path.read_bytes() == token_file  # no token minted, none removed
        entries = json.loads(tokens_path.read_text())["tokens"]
        for entry in entries:  # neither the salts nor the hashes came out
            assert entry["hash"] not in json.dumps(found) and entry["salt"] not in json.dumps(found)
        assert found["uid"] == "65534", found  # nobody
        for attempt in ("db_delete", "db_unlink", "signal", "environ", "mem", "fds"):
            assert found[attempt].startswith("DENIED"), (attempt, found[attempt])
        assert found["tokens"].startswith("DENIED") or found["tokens"] == "''", found["tokens"]
        assert found["db_read"].startswith("DENIED"), found["db_read"]
        assert found["secret_env"] == "None"
        assert not [p for p in found["own_fds"] if "tokens" in p or "sqlite" in p], found["own_fds"]
        assert "runs as nobody" in server.log
    finally:
        server.stop()


def test_without_root_the_worker_is_still_a_separate_process_without_secrets(server_dir, tokens, secret_env):
    """What holds for any server: the code runs in another process, without the API process's
    environment secrets or file handles, and cannot read its memory (the API is non-dumpable)."""
    db = server_dir / "same-user.sqlite"
    tokens_path = Path(tokens["_path"])
    args = ("--worker-user", "root") if os.geteuid() == 0 else ()
    server = ServerProcess(server_dir, tokens_path, db, *args)
    try:
        found = _hostile_run(server, tokens["admin"], tokens_path, db, destructive=False)
        assert found["secret_env"] == "None"
        assert not [p for p in found["own_fds"] if "tokens" in p or "sqlite" in p], found["own_fds"]
        if os.geteuid() != 0:  # root reads any /proc file, as root may
            assert found["mem"].startswith("DENIED") and found["environ"].startswith("DENIED"), found
        assert "submitted code CAN read" in server.log  # the log says plainly what is not protected
    finally:
        server.stop()


def test_a_worker_that_dies_fails_its_item_and_a_new_one_serves_with_the_queue_held(server_dir, tokens):
    server = ServerProcess(server_dir, Path(tokens["_path"]), server_dir / "dies.sqlite")
    try:
        with ServerClient(server.url, tokens["admin"]) as admin:
            admin.baton("take")
            admin.wait(admin.submit("marker = 'old namespace'")["id"], timeout=60)
            queued_after = None
            admin.hold(True)
            dying = admin.submit("import os; os._exit(7)")
            queued_after = admin.submit("'after the crash'")
            admin.hold(False)
            done = admin.wait(dying["id"], timeout=60)
            assert done["status"] == "failed" and "exit status 7" in done["error"], done
            wait_until(lambda: admin.status()["worker"] == "idle", timeout=90, what="a new worker")
            assert admin.status()["queue_held"] and admin.item(queued_after["id"])["status"] == "queued"
            admin.hold(False)
            after = admin.wait(queued_after["id"], timeout=60)
            assert after["output"] == ["'after the crash'"]
            fresh = admin.wait(admin.submit("'marker' in globals()")["id"], timeout=60)
            assert fresh["output"] == ["False"]
    finally:
        server.stop()


def test_stop_all_and_abort_act_mid_scan_while_a_fast_scan_floods_watchers(server, clients, tokens):
    """The control channel is not the event channel: while 5001 points flood three watchers,
    stop-all and abort are answered and stop the scan where it is (their latency under load is
    measured by scripts/benchmarks/bench_server.py, not here)."""
    from tests.server.test_events import _ws

    admin = clients["admin"]
    admin.baton("take")
    with _ws(server, tokens["obs"]), _ws(server, tokens["obs"]), _ws(server, tokens["obs"]):
        for action in ("stop-all", "abort"):
            item = admin.submit("scan(fast, 0, 1, 0.0002, fdet)")  # 5001 points
            wait_until(lambda: (s := admin.status()["scan"]) is not None and s["points_done"] > 50,
                       what="the scan to be under way")
            if action == "stop-all":
                assert "fast" in admin.stop_all()
            else:
                admin.control("abort")
            done = admin.wait(item["id"], timeout=30)
            assert done["status"] == "aborted", done
            scan = admin.request("GET", "/api/scan/current")
            assert scan["status"] == "COMPLETED_AFTER_STOP" and len(scan["points"]) < 5001, scan["status"]
            admin.hold(False)
