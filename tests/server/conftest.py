"""A real server in a subprocess on a free loopback port, with tokens for every role."""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from gda_bridge.server.client import ServerClient
from gda_bridge.server.tokens import TokenStore
from gda_bridge.sim_ioc import reserve_ports

REPO = Path(__file__).resolve().parents[2]

STARTUP = textwrap.dedent("""
    from gda_bridge.devices.sim import SimMotor, GaussianCounter
    # a slow-ish motor (0.1 mm steps take 50 ms) so there is time to watch and to abort
    sm = SimMotor("sm", speed=2.0, limits=(-10, 10), units="mm")
    sdet = GaussianCounter("sdet", motor=sm, centre=1.0, fwhm=0.6, peak=100.0, background=2.0, noise=0.01)
    fast = SimMotor("fast")  # instant
    fdet = GaussianCounter("fdet", motor=fast, centre=0.5, fwhm=0.2, peak=10.0)
    ran = []
    print("startup done")
""")


def wait_until(predicate: Callable[[], object], timeout: float = 20.0, what: str = "condition") -> object:
    """Poll ``predicate`` (an HTTP call, usually) until it is truthy; fail after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    delay = 0.01
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(delay)
        delay = min(delay * 1.5, 0.1)


class ServerProcess:
    """``gda-bridge server`` in a subprocess; stderr is collected by a reader thread."""

    def __init__(self, workdir: Path, tokens: Path, db: Path, *extra: str) -> None:
        self.workdir = workdir
        path = os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH")) if p)
        env = {**os.environ, "GDA_BRIDGE_JVM_HEAP": "128m", "PYTHONPATH": path, "PYTHONUNBUFFERED": "1",
               "GDA_BRIDGE_DATA_DIR": str(workdir / "data")}
        startup = workdir / "startup.py"
        startup.write_text(STARTUP)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gda_bridge.cli.main", "server", "--port", str(reserve_ports(1)[0]), "--tokens", str(tokens),
             "--db", str(db), "--startup", str(startup), *extra],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=workdir,
        )
        self.lines: list[str] = []
        self._url: queue.Queue[str | None] = queue.Queue()
        self._readers = [threading.Thread(target=self._read, daemon=True),
                         threading.Thread(target=self.proc.stdout.read, daemon=True)]
        for reader in self._readers:
            reader.start()
        url = self._url.get(timeout=90)
        if url is None:
            raise RuntimeError("the server did not start:\n" + self.log)
        self.url = url

    def _read(self) -> None:
        for line in self.proc.stderr:
            self.lines.append(line.rstrip("\n"))
            m = re.search(r"listening on (\S+)", line)
            if m:
                self._url.put(m.group(1))
        self._url.put(None)

    @property
    def log(self) -> str:
        return "\n".join(self.lines)

    def kill(self) -> None:
        """SIGKILL: no clean-up at all, as a crash."""
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)
        self._close_pipes()

    def _close_pipes(self) -> None:
        for reader in self._readers:
            reader.join(timeout=10)
        self.proc.stdout.close()
        self.proc.stderr.close()

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
            self._close_pipes()
        return self.proc.returncode


@pytest.fixture(scope="module")
def server_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("server")


@pytest.fixture(scope="module")
def tokens(server_dir) -> dict[str, str]:
    """name -> token for admin, op1, op2 (operators) and obs (observer)."""
    store = TokenStore(server_dir / "tokens.json")
    roles = {"admin": "admin", "op1": "operator", "op2": "operator", "obs": "observer"}
    out = {name: store.add(name, role) for name, role in roles.items()}
    out["_path"] = str(server_dir / "tokens.json")
    return out


@pytest.fixture(scope="module")
def server(server_dir, tokens) -> Iterator[ServerProcess]:
    scripts = server_dir / "macros"
    scripts.mkdir()
    (scripts / "count_to.py").write_text("import sys\nfor i in range(int(sys.argv[1])):\n    print('count', i)\n")
    proc = ServerProcess(server_dir, Path(tokens["_path"]), server_dir / "queue.sqlite", "--scripts", str(scripts))
    yield proc
    assert proc.stop() in (0, -signal.SIGTERM), proc.log  # uvicorn re-raises SIGTERM after its clean-up


@pytest.fixture
def clients(server, tokens) -> Iterator[dict[str, ServerClient]]:
    """A client per token, and a server with a free baton, a running queue and nothing running."""
    made = {name: ServerClient(server.url, tokens[name]) for name in ("admin", "op1", "op2", "obs")}
    admin = made["admin"]
    wait_until(lambda: admin.status()["worker"] == "idle", what="the worker to be idle")
    admin.baton("steal")
    admin.hold(False)
    admin.baton("release")
    yield made
    for c in made.values():
        c.close()
