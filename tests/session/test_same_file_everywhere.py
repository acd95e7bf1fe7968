"""One scan, four ways in: a plain script, a notebook (nbclient), the console (a real pty) and the
server's queue (HTTP). Each writes its file in its own data folder from the same configuration,
and the four files are the same: the same groups, datasets, shapes, attributes and values, except
for what names the moment (times) and who asked (on the server, the user who queued it)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import h5py
import nbformat
import numpy as np
import pexpect
import pytest
from nbclient import NotebookClient

from gda_bridge.server.client import ServerClient
from gda_bridge.server.tokens import TokenStore
from tests.server.conftest import ServerProcess

ROOT = Path(__file__).resolve().parents[2]
SCAN = "scan x 0 2 0.25 det 0.01"
CONFIG = """
[beamline]
name = "same"

[devices.x]
driver = "sim_motor"
speed = 1000.0
limits = [-10, 10]
units = "mm"

[devices.det]
driver = "gaussian_counter"
motor = "@x"
centre = 1.0
fwhm = 0.8
peak = 1000
noise = 0.0
background = 3.0
"""


def _env(data: Path) -> dict[str, str]:
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)
    return {**os.environ, "PYTHONPATH": path, "GDA_BRIDGE_DATA_DIR": str(data), "GDA_BRIDGE_JVM_HEAP": "128m"}


def by_script(work: Path, config: Path) -> None:
    script = work / "myscript.py"
    script.write_text(textwrap.dedent(f"""
        import gda_bridge
        from gda_bridge.commands import scan

        gda_bridge.Session({str(config)!r}, namespace=globals())
        scan(x, 0, 2, 0.25, det, 0.01)
    """))
    proc = subprocess.run([sys.executable, str(script)], cwd=work, env=_env(work / "data"),
                          capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr


def by_notebook(work: Path, config: Path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(f"%load_ext gda_bridge\n%gda_config {config}"),
                nbformat.v4.new_code_cell(SCAN)]
    client = NotebookClient(nb, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(work)}})
    client.execute(env=_env(work / "data"))


def by_console(work: Path, config: Path) -> None:
    env = {**_env(work / "data"), "GDA_BRIDGE_HOME": str(work / "home"), "TERM": "xterm"}
    child = pexpect.spawn(sys.executable, ["-m", "gda_bridge.cli.main", "console", "--config", str(config)],
                          env=env, encoding="utf-8", timeout=90, dimensions=(40, 160), cwd=str(work))
    prompt = r"In \[(?:\x1b\[[0-9;?]*[A-Za-z])*\d+"
    child.expect(prompt)
    child.sendline(SCAN)
    child.expect("Scan complete.")
    child.expect(prompt)
    child.sendline("exit")
    child.expect(pexpect.EOF)


def by_server(work: Path, config: Path) -> None:
    token = TokenStore(work / "tokens.json").add("op", "operator")
    server = ServerProcess(work, work / "tokens.json", work / "queue.sqlite", "--config", str(config))
    try:
        with ServerClient(server.url, token) as client:
            client.baton("take")
            item = client.submit(SCAN)
            done = client.wait(item["id"], timeout=120)
            assert done["status"] == "completed", done
    finally:
        assert server.stop() in (0, -signal.SIGTERM), server.log


MOMENT = re.compile(r"(_time|_times|^duration|_dead_time_percent)$")
"""Names whose values say when the scan ran or how long it took: they differ from run to run."""
TIMELINE = "entry1/timeline"
"""Its intervals' times differ from run to run, and so does how often the writer flushed: what
must match is which phases of which points of which lanes it marks."""

PATHS = {"script": by_script, "notebook": by_notebook, "console": by_console, "server": by_server}


def contents(path: Path) -> dict[str, object]:
    """Every group, dataset and attribute of the file by its path, values as Python objects."""
    out: dict[str, object] = {}

    def value(v: object) -> object:
        if isinstance(v, bytes):
            return v.decode()
        if isinstance(v, np.ndarray):
            return v.tolist() if v.dtype.kind != "O" else [value(e) for e in v.tolist()]
        if isinstance(v, np.generic):
            return v.item()
        return v

    def visit(name: str, obj: h5py.Group | h5py.Dataset) -> None:
        if isinstance(obj, h5py.Dataset):
            out[name] = (str(obj.dtype), obj.shape, value(obj[()]))
        else:
            out[name] = "group"
        for key, attr in obj.attrs.items():
            out[f"{name}@{key}"] = value(attr)

    with h5py.File(path, "r") as f:
        for key, attr in f.attrs.items():
            out[f"@{key}"] = value(attr)
        f.visititems(visit)
        t = f[TIMELINE]
        phases = [p.decode() for p in t["phase_names"][()]]
        out[f"{TIMELINE} rows"] = sorted((int(p), int(lane), phases[ph]) for p, lane, ph in
                                         zip(t["point"][()], t["lane"][()], t["phase"][()], strict=True)
                                         if phases[ph] != "flush")
        for name in ("point", "lane", "phase", "start", "end", "origin"):
            del out[f"{TIMELINE}/{name}"]
    out["@file_name"] = Path(str(out["@file_name"])).name  # each in its own folder
    return {k: v for k, v in out.items() if not MOMENT.search(k.rsplit("/", 1)[-1].lstrip("@"))}


@pytest.mark.slow
def test_a_script_a_notebook_the_console_and_the_server_write_the_same_file(tmp_path):
    files = {}
    for name, run in PATHS.items():
        work = tmp_path / name
        work.mkdir()
        config = work / "same.toml"
        config.write_text(CONFIG)
        run(work, config)
        made = sorted((work / "data").glob("*.nxs"))
        assert [p.name for p in made] == ["same-1.nxs"], f"{name}: {made}"
        files[name] = contents(made[0])
    for key in ("entry1/user01/name", "entry1/user01/facility_user_id"):
        assert files["server"][key][2] == "op"  # who queued it, not the worker's OS user
        files["server"][key] = files["script"][key]
    reference = files["script"]
    for name, got in files.items():
        diff = {k: (reference.get(k), got.get(k)) for k in reference.keys() | got.keys() if reference.get(k) != got.get(k)}
        assert not diff, f"{name} differs from the plain script: {diff}"
