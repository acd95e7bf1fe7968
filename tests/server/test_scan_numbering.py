"""One numbering per data folder: the server, `gda-bridge run` and plain Python with a NexusWriter,
interleaved in the same folder (the server restarted in between), never give two scans one number
and every scan's file exists."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import h5py

from gda_bridge.server.client import ServerClient
from tests.server.conftest import REPO, ServerProcess

DEVICES = textwrap.dedent("""
    from gda_bridge.devices.sim import GaussianCounter, SimMotor
    x = SimMotor("x")
    det = GaussianCounter("det", motor=x, centre=0.5, fwhm=0.2, peak=10.0)
""")

PLAIN = DEVICES + textwrap.dedent("""
    import sys
    from gda_bridge.commands import scan
    from gda_bridge.nexus import NexusWriter
    from gda_bridge.scans.context import context
    writer = NexusWriter(sys.argv[1], "gda")
    context().stream.subscribe(writer, critical=True)
    scan(x, 0, 0.2, 0.1, det)
    writer.close()
    print("file", writer.path)
""")


def _python(args: list[str], data: Path) -> str:
    env = {**os.environ, "GDA_BRIDGE_DATA_DIR": str(data), "GDA_BRIDGE_JVM_HEAP": "128m",
           "PYTHONPATH": os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH")) if p)}
    done = subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env, timeout=120, cwd=data.parent)
    assert done.returncode == 0, done.stderr
    return done.stdout + done.stderr


def _server_scan(proc: ServerProcess, token: str) -> int:
    with ServerClient(proc.url, token) as op1:
        op1.baton("take")
        item = op1.wait(op1.submit("scan(fast, 0, 0.2, 0.1, fdet)")["id"], timeout=60)
        assert item["status"] == "completed", item
        return item["scan_numbers"][0]


def test_server_run_and_plain_python_share_one_numbering(server_dir, tokens):
    data = server_dir / "data"
    db = server_dir / "numbering.sqlite"
    script = server_dir / "one_scan.py"
    script.write_text(DEVICES + "scan(x, 0, 0.2, 0.1, det)\n")
    plain = server_dir / "plain.py"
    plain.write_text(PLAIN)

    numbers = []
    first = ServerProcess(server_dir, Path(tokens["_path"]), db)
    try:
        numbers.append(_server_scan(first, tokens["op1"]))
    finally:
        first.stop()
    for _ in range(2):
        _python(["-m", "gda_bridge.cli.main", "run", str(script)], data)
        _python([str(plain), str(data)], data)
    second = ServerProcess(server_dir, Path(tokens["_path"]), db)  # its database remembers its scan 1
    try:
        numbers.append(_server_scan(second, tokens["op1"]))
    finally:
        second.stop()
    _python([str(plain), str(data)], data)

    files = sorted(data.glob("gda-*[0-9].nxs"), key=lambda p: int(p.stem.split("-")[1]))
    assert [p.name for p in files] == [f"gda-{n}.nxs" for n in range(1, 8)]
    for p in files:
        with h5py.File(p, "r") as f:
            assert f["entry1/entry_identifier"].asstr()[()] == p.stem.split("-")[1]
            assert f["entry1/scan_status"][()] == b"COMPLETED_OKAY"
    assert numbers == [1, 6], "the server reports the number of the file it wrote"
    assert (data / ".scan_number").read_text() == "7\n"
