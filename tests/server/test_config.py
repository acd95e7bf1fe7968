"""A server started with a beamline configuration: its devices and its start-up scripts."""

from __future__ import annotations

import signal
import textwrap
from pathlib import Path

from gda_bridge.server.client import ServerClient
from gda_bridge.server.tokens import TokenStore
from tests.server.conftest import ServerProcess


def test_the_configuration_gives_the_queue_its_devices_and_runs_its_startup(tmp_path):
    # Python 2, under a legacy path: `where th` below works only if this ran, translated, at start
    (tmp_path / "localStation.py").write_text("alias('where')\ndef where(s): print s.name, s()\n")
    (tmp_path / "bl.toml").write_text(textwrap.dedent("""
        [beamline]
        name = "bl42"
        legacy_paths = ["."]
        startup = ["localStation.py"]

        [devices.th]
        driver = "sim_motor"
        limits = [-1, 1]
    """))
    token = TokenStore(tmp_path / "tokens.json").add("op", "operator")
    server = ServerProcess(tmp_path, tmp_path / "tokens.json", tmp_path / "q.sqlite", "--config", str(tmp_path / "bl.toml"))
    try:
        with ServerClient(server.url, token) as op:
            op.baton("take")
            done = op.wait(op.submit("pos th 0.5\nwhere th")["id"], timeout=60)
            assert done["status"] == "completed", done
            assert done["output"] == ["Move completed: th : 0.5000 (-1:1)", "th 0.5"]
            refused = op.wait(op.submit("pos th 2")["id"], timeout=60)
            assert refused["status"] == "failed" and "th: position 2 is outside the limits (-1:1)" in refused["error"]
    finally:
        assert server.stop() in (0, -signal.SIGTERM), server.log
    assert not list(Path(tmp_path / "data").glob("*.nxs"))  # pos writes no scan file
