"""A real scan through a configured session (Java engine, simulated devices): the file GDA's
readers take, with the configuration's metadata scannables and source."""

from __future__ import annotations

import h5py
import hdfmap
import pytest
from file_checks import check_file

from gda_bridge.commands import meta_add, scan
from gda_bridge.config import create_devices, load_config
from gda_bridge.session import Session

CONFIG = """
[beamline]
name = "i99"
metadata = ["s1gap"]

[nexus.source]
name = "Diamond Light Source"
type = "Synchrotron X-ray Source"
probe = "x-ray"

[devices.x]
driver = "sim_motor"
units = "mm"
limits = [-10, 10]

[devices.s1gap]
driver = "sim_motor"
units = "mm"
position = 1.5

[devices.det]
driver = "gaussian_counter"
motor = "@x"
centre = 1.0
"""


@pytest.fixture
def session(ctx, data_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("GDA_BRIDGE_DATA_DIR", str(data_dir))
    path = tmp_path / "bl.toml"
    path.write_text(CONFIG)
    config = load_config(path)
    s = Session(config, ctx=ctx)
    s.add_devices(create_devices(config))
    yield s
    s.close()


def test_a_configured_scan_writes_what_gda_readers_take(session, ctx, data_dir):
    ns = session.namespace
    meta_add("sample_name", "Si(111)")
    try:
        result = scan(ns["x"], 0, 2, 0.5, ns["det"], 0.01)
    finally:
        ctx.metadata.get("user", {}).pop("sample_name", None)
    path = data_dir / f"i99-{result.scan_number}.nxs"
    assert f"Writing data to file: {path}" in ctx.lines, ctx.lines
    check_file(path)
    assert path.with_suffix(".dat").exists()
    assert result.file == str(path) and result.currentFilename == str(path)  # GDA: lastScanDataPoint().currentFilename
    with h5py.File(path) as f:
        e = f["entry1"]
        assert e["instrument/det/data"].shape == (5,)
        assert e["det"].attrs["signal"] == "data" and e["det/x"].id == e["instrument/x/x"].id
        assert list(e["scan_fields"].asstr()[()]) == ["x", "det"]
        assert e["diamond_scan/scan_finished"][0] == 1
        assert list(e["diamond_scan/keys/uniqueKeys"][()]) == [1, 2, 3, 4, 5]
        assert e["sample/name"].asstr()[()] == "Si(111)"
        assert e["before_scan/s1gap/s1gap"][()] == 1.5
        assert e["before_scan/s1gap/s1gap"].attrs["units"] == "mm"
        assert e["instrument/source/name"].asstr()[()] == "Diamond Light Source"
    m = hdfmap.create_nexus_map(str(path))
    axes, signals = m.nexus_default_names()
    assert list(axes) == ["x"] and list(signals)[0] == "det"
