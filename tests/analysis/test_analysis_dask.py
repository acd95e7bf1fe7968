"""Heavy hooks on a real Dask cluster: a scheduler and a worker started as separate processes."""

import logging
import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from analysis_docs import gaussian, noisy, one_d
from analysis_hookfuncs import heavy_fail, heavy_peak

from gda_bridge.analysis import DASK_ENV, AnalysisConfig, HookRegistry, ScanProcessing
from gda_bridge.core.stream import DocumentStream
from gda_bridge.sim_ioc import reserve_ports

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
X = np.arange(-2.0, 2.0 + 1e-9, 0.05)


def _free_port() -> int:
    return reserve_ports(1)[0]  # inside GDA_BRIDGE_PORT_RANGE on a shared host


def _start(args, tmp_path, name):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), str(HERE)]))
    log = open(tmp_path / f"{name}.log", "wb")  # closed in _stop
    proc = subprocess.Popen(
        [sys.executable, "-m", *args],
        cwd=tmp_path,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    return proc, log


def _stop(proc, log):
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
    log.close()


@pytest.fixture
def dask_cluster(tmp_path):
    """A scheduler and one worker (no nanny, so the worker's pid is the process we started)."""
    from distributed import Client

    address = f"tcp://127.0.0.1:{_free_port()}"
    port = address.rsplit(":", 1)[1]
    started = [
        _start(
            ["distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port", port, "--no-dashboard"],
            tmp_path,
            "scheduler",
        )
    ]
    try:
        worker_args = ["distributed.cli.dask_worker", address, "--host", "127.0.0.1", "--no-nanny",
                       "--worker-port", str(_free_port())]
        worker_args += ["--no-dashboard", "--nthreads", "1", "--local-directory", str(tmp_path)]
        started.append(_start(worker_args, tmp_path, "worker"))
        with Client(address, timeout=60, set_as_default=False) as client:
            client.wait_for_workers(1, timeout=60)
        yield address, started[1][0].pid
    finally:
        for proc, log in reversed(started):
            _stop(proc, log)


def test_heavy_hooks_run_on_the_dask_cluster(dask_cluster, tmp_path, monkeypatch, caplog):
    address, worker_pid = dask_cluster
    monkeypatch.setenv(DASK_ENV, address)
    config = AnalysisConfig(processors=("peak",))
    assert config.dask_scheduler == address  # taken from the environment

    lines, stored, namespace = [], [], {}
    hooks = HookRegistry()
    hooks.after_scan(heavy=True)(heavy_peak)
    hooks.after_scan(heavy=True)(heavy_fail)
    hooks.after_scan(lambda record: os.getpid(), name="light_pid")
    collector = ScanProcessing(
        namespace,
        config=config,
        report=lines.append,
        on_results=lambda start, results: stored.extend(results),
        hooks=hooks,
        file_path=lambda start: str(tmp_path / "3.nxs"),
    )
    stream = DocumentStream()
    stream.subscribe(collector)
    try:
        with caplog.at_level(logging.ERROR, logger="gda_bridge.analysis.hooks"):
            for d in one_d(X, {"det": noisy(gaussian(X, 0.9, 0.7, 600.0, 50.0), 9)}, scan_number=3):
                stream.emit(d)
            assert collector.wait_idle(60)
    finally:
        collector.close()

    assert namespace["heavy_peak"]["pid"] == worker_pid
    assert namespace["light_pid"] == os.getpid()
    assert namespace["heavy_peak"]["pos"] == pytest.approx(0.9, abs=0.02)
    assert [r.processor for r in stored if r.processor == "heavy_peak"] == ["heavy_peak"]
    assert "Hook heavy_fail failed: RuntimeError: worker says no to scan 3" in lines
    assert any("Traceback" in r.getMessage() for r in caplog.records if r.name == "gda_bridge.analysis.hooks")
