"""The command server under load: status latency, stop-all and abort latency, event lag.

Starts ``gda-bridge server`` on loopback (a temporary folder, its own tokens), keeps its queue busy
with fast scans (10001 points each, every point an event to every watcher), connects ``--watchers``
WebSocket clients and polls ``/api/status`` at ``--rate`` requests per second, then, while scans
run, times ``--stops`` stop-all and abort requests. Bounded: it stops by itself after the
measurements (about ``--seconds`` of polling) and only talks to 127.0.0.1.

``--busy N`` keeps N more processes spinning on the CPU meanwhile (a machine shared with other
jobs). Prints JSON: status p50/p99 (ms), stop-all and abort latency (max and each, ms), event lag p50/p99
(ms: when a watcher got an item's final ``item`` event, minus the server's ``finished`` time).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from websockets.sync.client import connect

from gda_bridge.server.client import ServerClient, ServerRequestError
from gda_bridge.server.tokens import TokenStore

STARTUP = """
from gda_bridge.devices.sim import SimMotor, GaussianCounter
fast = SimMotor("fast")
fdet = GaussianCounter("fdet", motor=fast, centre=0.5, fwhm=0.2, peak=10.0)
slow = SimMotor("slow", speed=2.0, limits=(-100, 100))
"""
LOAD = "scan(fast, 0, 1, 0.0001, fdet)"


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)


class Server:
    def __init__(self, folder: Path, port: int) -> None:
        (folder / "startup.py").write_text(STARTUP)
        self.token = TokenStore(folder / "tokens.json").add("admin", "admin")
        env = {**os.environ, "GDA_BRIDGE_DATA_DIR": str(folder / "data"), "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gda_bridge.cli.main", "server", "--port", str(port), "--tokens",
             str(folder / "tokens.json"), "--db", str(folder / "queue.sqlite"), "--startup", str(folder / "startup.py")],
            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env, cwd=folder,
        )
        self.url = ""
        for line in self.proc.stderr:
            m = re.search(r"listening on (\S+)", line)
            if m:
                self.url = m.group(1)
                break
        if not self.url:
            raise RuntimeError("the server did not start")
        threading.Thread(target=self.proc.stderr.read, daemon=True).start()

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)


def _watch(url: str, token: str, stop: threading.Event, lags: list[float], lock: threading.Lock) -> None:
    with connect(url.replace("http", "ws", 1) + "/api/events", open_timeout=30, max_size=2**24) as ws:
        ws.send(json.dumps({"token": token}))
        while not stop.is_set():
            try:
                event = json.loads(ws.recv(timeout=0.5))
            except TimeoutError:
                continue
            if event["type"] == "item" and event["item"].get("finished"):
                with lock:
                    lags.append((time.time() - event["item"]["finished"]) * 1000)


def _poll(url: str, token: str, rate: float, until: float, latencies: list[float], lock: threading.Lock) -> None:
    with ServerClient(url, token, timeout=60) as client:
        next_at = time.monotonic()
        while next_at < until:
            time.sleep(max(0.0, next_at - time.monotonic()))
            t0 = time.perf_counter()
            client.status()
            with lock:
                latencies.append((time.perf_counter() - t0) * 1000)
            next_at += 1 / rate


def _keep_busy(admin: ServerClient, n: int = 3) -> None:
    admin.baton("steal")
    admin.hold(False)
    for _ in range(n - len(admin.queue())):
        admin.submit(LOAD)


def _wait_scanning(admin: ServerClient, not_seen: list[float], timeout: float = 60) -> None:
    """Until a scan has made 10 points, queueing another one whenever the queue runs dry; when
    status never shows one (its answers come too late), note it and go on."""
    deadline = time.monotonic() + timeout
    while ((status := admin.status()).get("scan") or {}).get("points_done", 0) < 10:
        if time.monotonic() > deadline:
            not_seen.append(timeout)
            return
        if status["queue_length"] == 0 and status["current"] is None:
            admin.submit(LOAD)
        time.sleep(0.02)


def _timed(call: Callable[[], object], missed: list[str]) -> float:
    """Milliseconds until the server answered; a 409 (the scan ended just before: a status seen
    late) still counts as an answer and is listed."""
    t0 = time.perf_counter()
    try:
        call()
    except ServerRequestError as exc:
        if exc.status != 409:
            raise
        missed.append(exc.detail)
    return (time.perf_counter() - t0) * 1000


def _spin() -> None:
    while True:
        pass


def run(watchers: int, rate: float, seconds: float, stops: int, port: int, busy: int = 0) -> dict:
    import multiprocessing

    spinners = [multiprocessing.Process(target=_spin, daemon=True) for _ in range(busy)]
    for s in spinners:
        s.start()
    try:
        return _run(watchers, rate, seconds, stops, port) | {"busy_processes": busy}
    finally:
        for s in spinners:
            s.terminate()


def _run(watchers: int, rate: float, seconds: float, stops: int, port: int) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="bench-server-"))
    os.chmod(folder, 0o755)  # a worker process running as another user reaches its data folder
    server = Server(folder, port)
    stop = threading.Event()
    lock = threading.Lock()
    lags: list[float] = []
    status_ms: list[float] = []
    stop_ms: list[float] = []
    abort_ms: list[float] = []
    missed: list[str] = []
    not_seen: list[float] = []
    try:
        with ServerClient(server.url, server.token, timeout=60) as admin:
            threads = [threading.Thread(target=_watch, args=(server.url, server.token, stop, lags, lock), daemon=True)
                       for _ in range(watchers)]
            for t in threads:
                t.start()
            _keep_busy(admin)
            until = time.monotonic() + seconds
            pollers = [threading.Thread(target=_poll, args=(server.url, server.token, rate / 5, until, status_ms, lock),
                                        daemon=True) for _ in range(5)]
            for t in pollers:
                t.start()
            for _ in range(stops):
                _wait_scanning(admin, not_seen)
                stop_ms.append(_timed(admin.stop_all, missed))
                _keep_busy(admin)
                _wait_scanning(admin, not_seen)
                abort_ms.append(_timed(lambda: admin.control("abort"), missed))
                _keep_busy(admin)
            for t in pollers:
                t.join(seconds + 120)
            admin.hold(True)
            stop.set()
            for t in threads:
                t.join(10)
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)
    return {
        "watchers": watchers, "status_rate_per_s": rate, "seconds": seconds,
        "status_requests": len(status_ms), "status_p50_ms": _percentile(status_ms, 0.5),
        "status_p99_ms": _percentile(status_ms, 0.99),
        "stop_all_ms": [round(v, 1) for v in stop_ms], "stop_all_max_ms": round(max(stop_ms), 1) if stop_ms else None,
        "abort_ms": [round(v, 1) for v in abort_ms], "abort_max_ms": round(max(abort_ms), 1) if abort_ms else None,
        "answered_409": missed, "running_scan_not_seen_in_status": len(not_seen),
        "event_lag_samples": len(lags), "event_lag_p50_ms": _percentile(lags, 0.5),
        "event_lag_p99_ms": _percentile(lags, 0.99),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--watchers", type=int, default=20)
    parser.add_argument("--rate", type=float, default=50.0, help="status requests per second (all pollers)")
    parser.add_argument("--seconds", type=float, default=20.0, help="how long the status pollers run")
    parser.add_argument("--stops", type=int, default=5, help="stop-all and abort requests timed")
    parser.add_argument("--port", type=int, default=0, help="loopback port (0: any free one)")
    parser.add_argument("--busy", type=int, default=0, help="processes kept spinning on the CPU meanwhile")
    args = parser.parse_args()
    print(json.dumps(run(args.watchers, args.rate, args.seconds, args.stops, args.port, args.busy), indent=1))  # noqa: T201


if __name__ == "__main__":
    main()
