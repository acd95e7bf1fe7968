"""What GDA's own readers and Diamond's tools look for in a scan file: detector ``data``,
``scan_fields``, the ``diamond_scan`` collection, NXsample / NXuser / NXsource, units of the
before-scan values, and the SRS file beside it."""

import datetime
import getpass

import h5py
import hdfmap
import nexusformat.nexus as nx
import numpy as np
import pytest
from file_checks import check_file
from scan_docs import counter, gda_counter, motor, run, start, value
from silx.io import nxdata

from gda_bridge.core.documents import ScanStatus
from gda_bridge.nexus import NexusWriter


def _scan(data_dir, devices, shape=(5,), command="scan x 0 4 1 det 0.1", metadata=None, **options):
    s = start(shape, devices, command=command, metadata=metadata)
    run(NexusWriter(data_dir, "i99", **options), s)
    return data_dir / "i99-1.nxs"


def test_a_detector_value_is_stored_as_data(data_dir):
    path = _scan(data_dir, [motor("x"), gda_counter("det")])
    plot = check_file(path)
    assert plot.group == "/entry1/measurement" and plot.signal_name == "det"
    with h5py.File(path) as f:
        e = f["entry1"]
        assert "det" not in e["instrument/det"]
        data = e["instrument/det/data"]
        np.testing.assert_array_equal(data[()], [value("det", (i,)) for i in range(5)])
        assert e["det/data"].id == data.id and e["measurement/det"].id == data.id
        assert e["det"].attrs["signal"] == "data"
        det = nxdata.NXdata(e["det"])
        assert det.is_valid and det.signal.name == "/entry1/det/data"
    root = nx.nxload(str(path))
    assert root["entry1/det"].nxsignal.nxname == "data"


def test_each_detector_nxdata_links_every_scannable_and_monitor(data_dir):
    devices = [motor("x"), motor("ring", role="monitor", units="mA", limits=None), gda_counter("det")]
    path = _scan(data_dir, devices, command="scan x 0 4 1 ring det 0.1")
    check_file(path)
    with h5py.File(path) as f:
        e = f["entry1"]
        assert e["det/x"].id == e["instrument/x/x"].id
        assert e["det/ring"].id == e["instrument/ring/ring"].id
        assert e["det"].attrs["axes"] == "x"


def test_scan_fields_and_the_diamond_scan_collection(data_dir):
    devices = [motor("y", 0), motor("x", 1), gda_counter("det")]
    path = _scan(data_dir, devices, shape=(3, 4), command="scan y 0 2 1 x 0 3 1 det 0.1")
    check_file(path)
    with h5py.File(path) as f:
        e = f["entry1"]
        assert list(e["scan_fields"].asstr()[()]) == ["y", "x", "det"]
        d = e["diamond_scan"]
        assert d.attrs["NX_class"] == "NXcollection"
        assert d["scan_fields"].id == e["scan_fields"].id
        assert d["scan_command"].id == e["scan_command"].id
        assert d["start_time"].id == e["start_time"].id and d["end_time"].id == e["end_time"].id
        assert d["scan_rank"][()] == 2
        assert list(d["scan_shape"][()]) == [3, 4]
        keys = d["keys"]
        assert keys.attrs["NX_class"] == "NXcollection"
        np.testing.assert_array_equal(keys["uniqueKeys"][()], np.arange(1, 13).reshape(3, 4))
        finished = d["scan_finished"]
        assert finished.shape == (1,) and finished.maxshape == (None,) and finished[0] == 1
        starts = [datetime.datetime.fromisoformat(t) for t in d["point_start_times"].asstr()[()].ravel()]
        ends = [datetime.datetime.fromisoformat(t) for t in d["point_end_times"].asstr()[()].ravel()]
        assert d["point_start_times"].shape == d["point_end_times"].shape == (3, 4)
        assert all(a <= b for a, b in zip(starts, ends, strict=True))
        assert all(b <= a for a, b in zip(starts[1:], ends, strict=False))  # a point starts after the last one
        assert starts[0] >= datetime.datetime.fromisoformat(e["start_time"].asstr()[()])
        assert d["scan_estimated_duration"][()] == 1200 and d["scan_estimated_duration"].attrs["units"] == "ms"
        assert d["duration"].attrs["units"] == "ms" and d["duration"][()] >= 0
        assert e["duration"].id == d["duration"].id
    root = nx.nxload(str(path))
    assert list(root["entry1/scan_fields"].nxvalue) == ["y", "x", "det"]
    assert root["entry1/diamond_scan"].nxclass == "NXcollection"
    assert root["entry1/diamond_scan/keys/uniqueKeys"].nxvalue.max() == 12
    assert root["entry1/det"].nxsignal.nxname == "data"


def test_an_aborted_scan_keeps_unreached_keys_at_zero(data_dir):
    s = start((2, 3), [motor("y", 0), motor("x", 1), gda_counter("det")])
    run(NexusWriter(data_dir, "i99"), s, limit=4, status=ScanStatus.COMPLETED_AFTER_STOP, reason="aborted")
    with h5py.File(data_dir / "i99-1.nxs") as f:
        d = f["entry1/diamond_scan"]
        np.testing.assert_array_equal(d["keys/uniqueKeys"][()], [[1, 2, 3], [4, 0, 0]])
        assert d["point_end_times"][1, 1] == b"" and d["point_end_times"][1, 0] != b""
        assert d["scan_finished"][0] == 1


def test_sample_and_user_from_metadata(data_dir):
    md = {"user": {"sample_name": "Si(111) wafer", "sample_description": "etched",
                   "user_name": "Ted Jones", "user_id": "abc12345"}}
    path = _scan(data_dir, [motor("x"), gda_counter("det")], metadata=md)
    check_file(path)
    with h5py.File(path) as f:
        e = f["entry1"]
        assert e["sample"].attrs["NX_class"] == "NXsample"
        assert e["sample/name"].asstr()[()] == "Si(111) wafer"
        assert e["sample/description"].asstr()[()] == "etched"
        assert e["user01"].attrs["NX_class"] == "NXuser"
        assert e["user01/name"].asstr()[()] == "Ted Jones"
        assert e["user01/facility_user_id"].asstr()[()] == "abc12345"
        assert e["user_metadata/sample_name"].asstr()[()] == "Si(111) wafer"  # meta_add values all kept
    root = nx.nxload(str(path))
    assert root["entry1/sample"].nxclass == "NXsample" and root["entry1/sample/name"].nxvalue == "Si(111) wafer"
    assert root["entry1/user01"].nxclass == "NXuser" and root["entry1/user01/name"].nxvalue == "Ted Jones"


def test_the_user_defaults_to_the_os_user_and_no_sample_is_invented(data_dir):
    path = _scan(data_dir, [motor("x"), gda_counter("det")])
    with h5py.File(path) as f:
        e = f["entry1"]
        assert e["user01/facility_user_id"].asstr()[()] == getpass.getuser()
        assert e["user01/name"].asstr()[()]
        assert "sample" not in e


def test_no_source_is_claimed_unless_configured(data_dir):
    path = _scan(data_dir, [motor("x"), gda_counter("det")])
    with h5py.File(path) as f:
        assert "source" not in f["entry1/instrument"]


def test_source_from_the_beamline_configuration(data_dir):
    source = {"name": "ISIS", "type": "Spallation Neutron Source", "probe": "neutron"}
    path = _scan(data_dir, [motor("x"), gda_counter("det")], source=source)
    check_file(path)
    with h5py.File(path) as f:
        src = f["entry1/instrument/source"]
        assert src.attrs["NX_class"] == "NXsource"
        assert {k: src[k].asstr()[()] for k in src} == source


@pytest.mark.parametrize(("source", "message"), [
    ({"type": "Synchrotron X-ray Source", "probe": "x-ray"}, "source: 'name' is required"),
    ({"name": "DLS", "type": "synchrotron", "probe": "x-ray"}, "source type 'synchrotron' is not one of"),
    ({"name": "DLS", "type": "Synchrotron X-ray Source", "probe": "xrays"}, "source probe 'xrays' is not one of"),
])
def test_a_wrong_source_is_refused_when_the_writer_is_made(data_dir, source, message):
    with pytest.raises(ValueError, match=message):
        NexusWriter(data_dir, "i99", source=source)


def test_before_scan_values_carry_units(data_dir):
    md = {"snapshot": {"s1": {"xgap": 1.25, "ygap": 0.5}, "ring": {"ring": 300.2}},
          "snapshot_units": {"s1": "mm", "ring": "mA"}}
    path = _scan(data_dir, [motor("x"), gda_counter("det")], metadata=md)
    check_file(path)
    with h5py.File(path) as f:
        b = f["entry1/before_scan"]
        assert b["s1"].attrs["NX_class"] == "NXcollection"
        assert b["s1/xgap"][()] == 1.25 and b["s1/xgap"].attrs["units"] == "mm"
        assert b["s1/ygap"].attrs["units"] == "mm"
        assert b["ring/ring"].attrs["units"] == "mA"


def test_the_srs_file_is_written_by_default_as_in_gda(data_dir):
    _scan(data_dir, [motor("x"), gda_counter("det")])
    lines = (data_dir / "i99-1.dat").read_text().splitlines()
    header = lines.index(" &END") + 1
    assert lines[header].split("\t") == ["x", "det"]
    assert len(lines) == header + 6


def test_the_srs_file_can_be_turned_off(data_dir):
    _scan(data_dir, [motor("x"), gda_counter("det")], write_srs=False)
    assert not (data_dir / "i99-1.dat").exists()


def test_hdfmap_finds_axes_signal_scannables_and_metadata(data_dir):
    md = {"title": "edge", "user": {"sample_name": "Si"}}
    path = _scan(data_dir, [motor("x"), motor("ring", role="monitor", units="mA", limits=None), counter("det")],
                 command="scan x 0 4 1 ring det 0.1", metadata=md)
    m = hdfmap.create_nexus_map(str(path))
    axes, signals = m.nexus_default_names()
    assert list(axes) == ["x"] and list(signals)[0] == "det"
    assert m.scannables_shape() == (5,)
    assert {"x", "ring", "det"} <= set(m.scannables)
    with hdfmap.load_hdf(str(path)) as f:
        np.testing.assert_array_equal(m.get_data(f, "x"), [value("x", (i,)) for i in range(5)])
        assert m.eval(f, "sample_name") == "Si"
        assert m.eval(f, "title") == "edge"
        plot = m.get_plot_data(f)
    assert plot["xlabel"] == "x [mm]" and plot["ylabel"].startswith("det")


def test_an_existing_srs_file_is_never_overwritten_and_its_number_is_skipped(data_dir):
    data_dir.mkdir(parents=True)
    (data_dir / "i99-4.dat").write_text("precious")
    writer = NexusWriter(data_dir, "i99")
    run(writer, start((2,), [motor("x")], scan_number=4))
    assert (data_dir / "i99-4.dat").read_text() == "precious"
    assert not (data_dir / "i99-4.nxs").exists()
    assert writer.path.name == "i99-5.nxs" and (data_dir / "i99-5.dat").exists()


def test_hdfmap_finds_a_grid_and_its_camera_images(data_dir):
    from gda_bridge.core.documents import DeviceDescription, FieldDescription

    cam = DeviceDescription("cam", "detector", (FieldDescription("cam", "cam", "cam", "input", shape=(6, 5),
                                                                 dtype="uint16"),), collection_time=0.01)
    path = _scan(data_dir, [motor("y", 0), motor("x", 1), gda_counter("det"), cam], shape=(3, 4),
                 command="scan y 0 2 1 x 0 3 1 det cam 0.01")
    check_file(path)
    with h5py.File(path) as f:
        assert f["entry1/instrument/cam/data"].shape == (3, 4, 6, 5)
        assert f["entry1/cam"].attrs["signal"] == "data"
    m = hdfmap.create_nexus_map(str(path))
    assert m.scannables_shape() == (3, 4)
    assert m.get_image_path() == "/entry1/instrument/cam/data"
    with hdfmap.load_hdf(str(path)) as f:
        assert m.get_image(f, 0).shape == (6, 5)
