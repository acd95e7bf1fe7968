"""The console's remote mode against a real server: typed GDA syntax runs there, output comes back."""

from __future__ import annotations

from gda_bridge.cli.remote_console import RemoteSession


def test_typed_commands_run_on_the_server_and_their_output_streams_back(clients):
    op1 = clients["op1"]
    op1.baton("take")
    lines: list[str] = []
    remote = RemoteSession(op1, say=lines.append)
    item = remote.execute("pos sm 0.1")
    assert item["status"] == "completed" and lines == ["Move completed: sm : 0.1000 (-10:10)"]
    lines.clear()
    item = remote.execute("scan sm 0 0.2 0.1 sdet 0.01")
    assert item["status"] == "completed"
    assert lines[0].startswith("Writing data to file: ") and "Scan complete." in lines
    lines.clear()
    item = remote.execute("pos sm 20")
    assert item["status"] == "failed" and any("outside the limits (-10:10)" in line for line in lines)
    op1.baton("release")
