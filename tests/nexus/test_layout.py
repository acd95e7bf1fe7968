"""The file a user opens after a scan: layout, values, default plot."""

import datetime
import logging

import h5py
import numpy as np
import pytest
from file_checks import check_file
from scan_docs import counter, demand, motor, run, start, value

from gda_bridge.core.documents import DeviceDescription, FieldDescription
from gda_bridge.core.stream import DocumentStream
from gda_bridge.nexus import NexusWriter, write_process


def test_1d_scan_file(data_dir, caplog):
    caplog.set_level(logging.INFO, logger="gda_bridge.nexus")
    s = start((11,), [motor("x"), counter("det")], command="scan x 0 10 1 det",
              metadata={"title": "Si edge", "experiment_identifier": "cm12345-1"})
    stream = DocumentStream()
    writer = NexusWriter(data_dir, "i99")
    stream.subscribe(writer, critical=True)
    run(stream.emit, s)
    path = data_dir / "i99-1.nxs"
    assert writer.path == path and writer.scan_number == 1
    assert str(path) in caplog.text

    plot = check_file(path)
    assert plot.group == "/entry1/measurement"
    assert plot.signal_name == "det"
    assert plot.axes_names == ["x"]
    with h5py.File(path) as f:
        assert f.attrs["default"] == "entry1"
        e = f["entry1"]
        assert e.attrs["NX_class"] == "NXentry"
        assert e["title"].asstr()[()] == "Si edge"
        assert e["scan_command"].asstr()[()] == "scan x 0 10 1 det"
        assert list(e["scan_dimensions"][()]) == [11]
        assert e["entry_identifier"].asstr()[()] == "1"
        assert e["experiment_identifier"].asstr()[()] == "cm12345-1"
        assert e["program_name"].asstr()[()] == "gda-bridge"
        assert e["scan_status"][()] == b"COMPLETED_OKAY"
        assert e["points_completed"][()] == 11
        start_t = datetime.datetime.fromisoformat(e["start_time"].asstr()[()])
        end_t = datetime.datetime.fromisoformat(e["end_time"][()].decode())
        assert start_t <= end_t
        x = e["instrument/x"]
        assert x.attrs["NX_class"] == "NXpositioner"
        np.testing.assert_array_equal(x["x"][()], [value("x", (i,)) for i in range(11)])
        assert x["x"].attrs["units"] == "mm"
        assert (x["soft_limit_min"][()], x["soft_limit_max"][()]) == (-100.0, 100.0)
        assert e["instrument/det"].attrs["NX_class"] == "NXdetector"
        # NXdata datasets are hard links to the instrument's, not copies
        assert e["measurement/det"].id == e["instrument/det/counts"].id
        assert e["det/x"].id == x["x"].id
        assert e["det"].attrs["signal"] == "det"

    # the next scan gets the next number
    run(writer, start((2,), [motor("x"), counter("det")]))
    assert writer.path == data_dir / "i99-2.nxs"


def test_grid_keeps_its_shape_and_opens_as_an_image(data_dir):
    s = start((20, 30), [motor("y", 0), motor("x", 1), counter("det")],
              command="scan y 0 19 1 x 0 29 1 det")
    run(NexusWriter(data_dir, "i99"), s)
    path = data_dir / "i99-1.nxs"
    plot = check_file(path)
    assert plot.signal_shape == (20, 30)
    assert plot.axes_names == ["y_set", "x_set"]
    assert plot.is_image
    with h5py.File(path) as f:
        inst = f["entry1/instrument"]
        assert inst["x/x"].shape == inst["y/y"].shape == inst["det/counts"].shape == (20, 30)
        assert inst["det/counts"][3, 7] == value("det", (3, 7))
        assert inst["y/y_set"][()].tolist() == [demand("y", i) for i in range(20)]
        assert inst["x/x_set"][()].tolist() == [demand("x", j) for j in range(30)]
        assert list(f["entry1/measurement"].attrs["x_indices"]) == [0, 1]


def test_multi_field_scannable_and_monitor(data_dir):
    hkl = DeviceDescription("hkl", "scannable", tuple(
        FieldDescription(n, n, "hkl", "input", units="rlu", lower_limit=-2.0, upper_limit=lo)
        for n, lo in (("h", 2.0), ("k", 3.0), ("l", 4.0))
    ) + (FieldDescription("energy", "energy", "hkl", "extra", units="keV"),), dimension=0)
    ring = motor("ring", role="monitor", units="mA", limits=None)
    s = start((5,), [hkl, ring, counter("det", ("c1", "c2"))], command="scan hkl [0 0 1] [0 0 2] [0 0 .25] ring det")
    run(NexusWriter(data_dir, "i99"), s)
    path = data_dir / "i99-1.nxs"
    plot = check_file(path)
    assert plot.signal_name == "c2"  # the last detector column
    assert plot.axes_names == ["h"]
    with h5py.File(path) as f:
        g = f["entry1/instrument/hkl"]
        assert sorted(k for k in g if isinstance(g[k], h5py.Dataset)) == [
            "energy", "h", "h_set", "k", "k_set", "l", "l_set", "name", "soft_limit_max", "soft_limit_min"]
        assert g["l_set"][()].tolist() == [demand("l", i) for i in range(5)]  # a 1-D scan's demands too
        np.testing.assert_array_equal(g["soft_limit_max"][()], [2.0, 3.0, 4.0])
        np.testing.assert_array_equal(g["l"][()], [value("l", (i,)) for i in range(5)])
        assert f["entry1/instrument/ring"].attrs["NX_class"] == "NXpositioner"
        m = f["entry1/measurement"]
        assert set(m) >= {"h", "k", "l", "energy", "ring", "c1", "c2"}
        assert list(m.attrs["auxiliary_signals"]) == ["c1"]
        for name in ("h", "k", "l"):
            assert m.attrs[f"{name}_indices"] == 0


def test_metadata_and_srs_file(data_dir):
    s = start((3,), [motor("x"), counter("det")], command="scan x 0 2 1 det", metadata={
        "title": "with notes",
        "user": {"sample": "Si(111)", "temperature": 295.5, "notes": {"operator": "ab12"}},
        "snapshot": {"s1": {"xgap": 1.25, "ygap": 0.5}, "dcm": {"energy": 12.4}},
    })
    run(NexusWriter(data_dir, "i99", write_srs=True), s)
    path = data_dir / "i99-1.nxs"
    check_file(path)
    with h5py.File(path) as f:
        e = f["entry1"]
        assert e["user_metadata"].attrs["NX_class"] == "NXcollection"
        assert e["user_metadata/sample"].asstr()[()] == "Si(111)"
        assert e["user_metadata/temperature"][()] == 295.5
        assert e["user_metadata/notes/operator"].asstr()[()] == "ab12"
        assert e["before_scan/s1/xgap"][()] == 1.25
        assert e["before_scan/dcm/energy"][()] == 12.4
    lines = (data_dir / "i99-1.dat").read_text().splitlines()
    assert lines[0].strip() == "&SRS" and " &END" in lines
    assert "SRSRUN=1," in lines[1]
    header = lines.index(" &END") + 1
    assert lines[header].split("\t") == ["x", "det"]
    rows = [r.split("\t") for r in lines[header + 1:]]
    assert len(rows) == 3
    assert float(rows[2][1]) == pytest.approx(value("det", (2,)), rel=1e-4)


def test_an_existing_file_is_never_overwritten_the_scan_takes_the_next_number(data_dir, caplog):
    data_dir.mkdir(parents=True)
    (data_dir / "i99-7.nxs").write_bytes(b"precious")
    (data_dir / "i99-8.dat").write_bytes(b"left by another program")
    writer = NexusWriter(data_dir, "i99")
    run(writer, start((2,), [motor("x")], scan_number=7))
    assert (data_dir / "i99-7.nxs").read_bytes() == b"precious"
    assert writer.path == data_dir / "i99-9.nxs" and writer.scan_number == 9
    assert "scan number 7 is already used" in caplog.text
    with h5py.File(writer.path) as f:
        assert f["entry1/entry_identifier"].asstr()[()] == "9"
    run(writer, start((2,), [motor("x")]))  # the number file knows 9 is taken
    assert writer.path == data_dir / "i99-10.nxs"


def test_process_results_added_after_the_scan(data_dir):
    run(NexusWriter(data_dir, "i99"), start((4,), [motor("x"), counter("det")]))
    path = data_dir / "i99-1.nxs"
    where = write_process(path, "peak", "gda_bridge.analysis.peak", "0.1.0",
                          inputs={"signal": "det", "axis": "x"}, results={"cen": 2.5, "fwhm": 1.1})
    assert where == "/entry1/processing/peak"
    check_file(path)
    with h5py.File(path) as f:
        p = f["entry1/processing/peak"]
        assert p.attrs["NX_class"] == "NXprocess"
        assert p["program"].asstr()[()] == "gda_bridge.analysis.peak"
        assert p["results/cen"][()] == 2.5
        assert p["inputs/axis"].asstr()[()] == "x"
