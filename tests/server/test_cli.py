"""``gda-bridge token``, ``gda-bridge client`` and the server's refusal to listen unsafely, as a
user runs them (subprocesses)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gda_bridge.server.client import ServerClient
from tests.server.conftest import REPO, ServerProcess


def _gda(*args: str, cwd=None, timeout: float = 60) -> subprocess.CompletedProcess:
    path = os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH")) if p)
    env = {**os.environ, "PYTHONPATH": path, "GDA_BRIDGE_JVM_HEAP": "128m"}
    env.pop("GDA_BRIDGE_TOKEN", None)
    return subprocess.run([sys.executable, "-m", "gda_bridge.cli.main", *args], capture_output=True, text=True,
                          timeout=timeout, env=env, cwd=cwd)


def test_token_add_list_remove(tmp_path):
    tokens = str(tmp_path / "t.json")
    added = _gda("token", "--tokens", tokens, "add", "carol", "--role", "observer")
    assert added.returncode == 0 and "shown only now" in added.stderr
    assert added.stdout.strip().startswith("gdb_")
    listed = _gda("token", "--tokens", tokens, "list")
    assert listed.stdout.split()[:2] == ["carol", "observer"]
    assert added.stdout.strip() not in listed.stdout
    again = _gda("token", "--tokens", tokens, "add", "carol", "--role", "admin")
    assert again.returncode == 1 and "exists already" in again.stderr
    assert _gda("token", "--tokens", tokens, "remove", "carol").returncode == 0
    assert _gda("token", "--tokens", tokens, "list").stdout == ""


def test_the_server_refuses_other_addresses_without_allow_remote_and_tls(tmp_path):
    out = _gda("server", "--host", "0.0.0.0", "--tokens", str(tmp_path / "t.json"), "--db", str(tmp_path / "q"))
    assert out.returncode == 2 and "--allow-remote" in out.stderr and "127.0.0.1" in out.stderr
    out = _gda("server", "--host", "0.0.0.0", "--allow-remote", "--db", str(tmp_path / "q"))
    assert out.returncode == 2 and "without TLS" in out.stderr and "--ssl-certfile" in out.stderr
    assert not (tmp_path / "q").exists()  # refused before anything was opened


def test_the_thin_client(server, tokens, clients):
    base = ("client", "--url", server.url, "--token")
    op1 = (*base, tokens["op1"])
    assert _gda(*op1, "whoami").stdout.strip() == "op1 (operator)"
    refused = _gda(*op1, "submit", "1 + 1")
    assert refused.returncode == 1 and "409" in refused.stderr and "take the baton first" in refused.stderr
    assert _gda(*op1, "baton", "take").stdout.strip() == "baton: op1"
    run = _gda(*op1, "submit", "--wait", "scan(sm, 0, 0.2, 0.1, sdet)")
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0].startswith("queued #") and "Scan complete." in lines and "completed" in lines[-1]
    assert lines.count("Scan complete.") == 1
    item_id = lines[0].split()[1].lstrip("#")
    shown = _gda(*op1, "show", item_id)
    assert "Scan complete." in shown.stdout
    failed = _gda(*op1, "submit", "--wait", "1 / 0")
    assert failed.returncode == 1 and "ZeroDivisionError" in failed.stdout
    status = _gda(*op1, "status")
    assert "worker idle" in status.stdout and "baton: op1" in status.stdout
    assert "op1" in _gda(*op1, "history", "--limit", "2").stdout
    observer = _gda(*base, tokens["obs"], "abort")
    assert observer.returncode == 1 and "403" in observer.stderr
    nothing = _gda(*op1, "abort")
    assert nothing.returncode == 1 and "nothing is running" in nothing.stderr
    wrong = _gda(*base, "gdb_000000000000_" + "q" * 43, "status")
    assert wrong.returncode == 1 and "401" in wrong.stderr
    unreachable = _gda("client", "--url", "http://127.0.0.1:9", "--token", tokens["op1"], "status")
    assert unreachable.returncode == 1 and "cannot reach" in unreachable.stderr



def test_tls_when_listening_beyond_loopback(tmp_path, tokens):
    """--allow-remote with a certificate: https and wss, the client trusting that certificate."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a test certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
                    "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True, timeout=60)
    proc = ServerProcess(tmp_path, Path(tokens["_path"]), tmp_path / "q.sqlite",
                         "--allow-remote", "--ssl-certfile", str(cert), "--ssl-keyfile", str(key))
    try:
        assert proc.url.startswith("https://127.0.0.1:")
        with ServerClient(proc.url, tokens["op1"], verify=str(cert)) as op1:
            op1.baton("take")
            item = op1.submit("pos(x, 1)")
            events = op1.events(timeout=20)
            assert next(events)["type"] == "status"  # wss works too
            events.close()
            assert op1.wait(item["id"], timeout=20)["output"] == ["Move completed: x : 1.0000 (-10:10)"]
    finally:
        proc.stop()
