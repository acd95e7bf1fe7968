"""``<field>_set`` holds the demands carried by the scan-start document, exactly; never readbacks."""

import dataclasses

import h5py
import pytest
from file_checks import check_file
from scan_docs import counter, demand, motor, run, start, value

from gda_bridge.nexus import NexusWriter


def _path(data_dir):
    return data_dir / "i99-1.nxs"


def test_grid_set_axes_are_the_documents_demands_and_the_readbacks_stay_readbacks(data_dir):
    s = start((3, 4), [motor("y", 0), motor("x", 1), counter("det")], command="scan y 0 1 0.5 x 0 1.5 0.5 det")
    run(NexusWriter(data_dir, "i99"), s)
    plot = check_file(_path(data_dir))
    assert plot.axes_names == ["y_set", "x_set"] and plot.is_image
    with h5py.File(_path(data_dir)) as f:
        inst = f["entry1/instrument"]
        assert inst["y/y_set"][()].tolist() == [demand("y", i) for i in range(3)]
        assert inst["x/x_set"][()].tolist() == [demand("x", j) for j in range(4)]
        assert inst["x/x"][0].tolist() == [value("x", (0, j)) for j in range(4)]
        assert inst["x/x_set"].attrs["units"] == "mm"


def test_without_demands_there_is_no_set_dataset_rather_than_readbacks_posing_as_demands(data_dir):
    s = start((3, 4), [motor("y", 0), motor("x", 1), counter("det")], demands=False)
    run(NexusWriter(data_dir, "i99"), s)
    check_file(_path(data_dir))
    with h5py.File(_path(data_dir)) as f:
        inst = f["entry1/instrument"]
        assert "x_set" not in inst["x"] and "y_set" not in inst["y"]
        assert "axes" not in f["entry1/measurement"].attrs


def test_lock_step_fixed_read_only_and_text_positions(data_dir):
    fixed = motor("fixed", None, role="monitor")
    fixed = dataclasses.replace(fixed, fields=(dataclasses.replace(fixed.fields[0], demands=(2.5,)),))
    shutter = motor("shutter", 0, units=None, limits=None)
    s = start((3,), [motor("x", 0), motor("lock", 0), shutter, fixed, motor("ring", role="monitor"), counter("det")])
    shutter_field = dataclasses.replace(s.devices[2].fields[0], demands=("In", "Out", "In"))
    devices = list(s.devices)
    devices[2] = dataclasses.replace(devices[2], fields=(shutter_field,))
    s = dataclasses.replace(s, devices=tuple(devices))
    run(NexusWriter(data_dir, "i99"), s)
    check_file(_path(data_dir))
    with h5py.File(_path(data_dir)) as f:
        inst = f["entry1/instrument"]
        assert inst["x/x_set"][()].tolist() == [demand("x", i) for i in range(3)]
        assert inst["lock/lock_set"][()].tolist() == [demand("lock", i) for i in range(3)]
        assert inst["fixed/fixed_set"][()] == 2.5
        assert "ring_set" not in inst["ring"]
        assert "shutter_set" not in inst["shutter"]


def test_demands_that_do_not_fit_the_dimension_are_refused(data_dir):
    s = start((3,), [motor("x", 0), counter("det")], demands=False)
    bad = dataclasses.replace(s.devices[0].fields[0], demands=(0.0, 1.0))
    s = dataclasses.replace(s, devices=(dataclasses.replace(s.devices[0], fields=(bad,)), s.devices[1]))
    with pytest.raises(Exception, match=r"x: 2 demands for dimension 0 of a \(3,\) scan"):
        run(NexusWriter(data_dir, "i99"), s)
