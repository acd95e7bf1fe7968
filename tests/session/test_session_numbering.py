"""A session's numbering is the data folder's ScanNumberSource (the server's worker tells folder
numbering from its own queue numbers by that); throw-away scans go back to the process's own."""

from __future__ import annotations

from gda_bridge.commands import scan
from gda_bridge.core.scan_numbers import ScanNumberSource
from gda_bridge.session import Session, demo_devices


def test_files_on_number_from_the_folder_and_files_off_from_the_process(ctx, data_dir):
    with Session(ctx=ctx) as session:
        session.add_devices(demo_devices())
        x, det = session.namespace["x"], session.namespace["det"]
        assert isinstance(ctx.next_scan_number.__self__, ScanNumberSource)
        first = scan(x, 0, 1, 0.5, det, 0.001)
        session.write_files = False
        throw_away = scan(x, 0, 1, 0.5, det, 0.001)
        session.write_files = True
        second = scan(x, 0, 1, 0.5, det, 0.001)
    assert (first.path, throw_away.path, second.path) == (data_dir / "gda-1.nxs", None, data_dir / "gda-2.nxs")
    assert sorted(p.name for p in data_dir.glob("*.nxs")) == ["gda-1.nxs", "gda-2.nxs"]
    assert ctx.session is None  # closed: unwired
