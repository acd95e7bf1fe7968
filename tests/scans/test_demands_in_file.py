"""The file's ``<field>_set`` datasets hold what the scan asked for, exactly, read back with h5py
from the file a real scan wrote (not the readbacks of the first row)."""

from __future__ import annotations

import pickle

import h5py
import numpy as np
import pytest

from gda_bridge.commands import rscan, scan
from gda_bridge.devices import ScannableMotionBase
from gda_bridge.devices.sim import SimMotor, SimMultiField, SoftCounter
from gda_bridge.nexus import NexusWriter

MISS = 0.003


class Sloppy(ScannableMotionBase):
    """A motor that stops 3 µm short of every demand, as real ones do (within their deadband)."""

    def __init__(self, name):
        self.name, self.inputNames, self._p = name, [name], 0.0

    def rawGetPosition(self):
        return self._p

    def rawAsynchronousMoveTo(self, p):
        self._p = float(p) - MISS


class SloppyPair(ScannableMotionBase):
    def __init__(self, name):
        self.name, self.inputNames, self.extraNames, self._p = name, ["u", "v"], ["sum"], [0.0, 0.0]

    def rawGetPosition(self):
        return [*self._p, sum(self._p)]

    def rawAsynchronousMoveTo(self, p):
        self._p = [float(v) - MISS for v in p]


@pytest.fixture
def files(ctx, data_dir):
    writer = NexusWriter(data_dir, "t")
    ctx.stream.subscribe(writer, critical=True)

    def last():
        return h5py.File(writer.path, "r")

    return last


def test_grid_set_axes_hold_the_demands_not_the_first_rows_readbacks(files):
    y, x = Sloppy("y"), Sloppy("x")
    scan(y, 0, 1, 0.5, x, 0, 1, 0.5, SoftCounter("c", 1.0))
    with files() as f:
        inst = f["entry1/instrument"]
        assert inst["x/x_set"][()].tolist() == [0.0, 0.5, 1.0]
        assert inst["y/y_set"][()].tolist() == [0.0, 0.5, 1.0]
        np.testing.assert_allclose(inst["x/x"][0], [-MISS, 0.5 - MISS, 1 - MISS])
        assert list(f["entry1/measurement"].attrs["axes"]) == ["y_set", "x_set"]


def test_a_1d_scan_stores_its_demands_too(files):
    x = Sloppy("x")
    scan(x, np.linspace(0, 2, 5), SoftCounter("c", 1.0))
    with files() as f:
        assert f["entry1/instrument/x/x_set"][()].tolist() == [0.0, 0.5, 1.0, 1.5, 2.0]
        assert f["entry1/instrument/x/x"][()].tolist() == [v - MISS for v in [0.0, 0.5, 1.0, 1.5, 2.0]]


def test_tuples_lock_step_multi_field_fixed_and_read_only_scannables(files):
    outer, lock, pair = Sloppy("outer"), Sloppy("lock"), SloppyPair("pair")
    fixed, watched = Sloppy("fixed"), SimMotor("watched")
    watched(4.0)
    scan(outer, (0.0, 0.3, 0.9), lock, 10, 1, pair, [[0, 5], [1, 6]], fixed, 2.5, watched,
         SoftCounter("c", 1.0))
    with files() as f:
        inst = f["entry1/instrument"]
        assert inst["outer/outer_set"][()].tolist() == [0.0, 0.3, 0.9]
        assert inst["lock/lock_set"][()].tolist() == [10.0, 11.0, 12.0]
        assert inst["pair/u_set"][()].tolist() == [0.0, 1.0]
        assert inst["pair/v_set"][()].tolist() == [5.0, 6.0]
        assert "sum_set" not in inst["pair"]
        assert inst["fixed/fixed_set"][()] == 2.5
        assert "watched_set" not in inst["watched"]
        assert inst["watched/watched"].shape == (3, 2)
        assert list(f["entry1/measurement"].attrs["axes"]) == ["outer_set", "u_set"]


def test_multi_field_start_stop_step_demands(files):
    pair = SimMultiField("pair")
    scan(pair, [0, 0], [1, 2], [1, 2], Sloppy("x"), 0, 1, 1)
    with files() as f:
        inst = f["entry1/instrument"]
        assert inst["pair/a_set"][()].tolist() == [0.0, 1.0]
        assert inst["pair/b_set"][()].tolist() == [0.0, 2.0]
        assert inst["x/x_set"][()].tolist() == [0.0, 1.0]


def test_relative_scan_demands_are_the_absolute_positions(files):
    x = Sloppy("x")
    x(1.0)
    here = x()
    rscan(x, [-0.5, 0, 0.5], SoftCounter("c", 1.0))
    with files() as f:
        np.testing.assert_array_equal(f["entry1/instrument/x/x_set"][()], [here - 0.5, here, here + 0.5])


def test_the_demands_travel_as_plain_data_and_replay_into_the_same_file(documents, tmp_path):
    y, x = Sloppy("y"), Sloppy("x")
    scan(y, (0.0, 0.25), x, np.linspace(0, 1, 3), SoftCounter("c", 1.0))
    replayed = pickle.loads(pickle.dumps(documents))  # no JVM object could make this trip
    start = replayed[0]
    demands = {f.column: f.demands for d in start.devices for f in d.fields}
    assert demands == {"y": (0.0, 0.25), "x": (0.0, 0.5, 1.0), "c": None}
    assert all(type(v) is float for v in demands["x"])
    writer = NexusWriter(tmp_path / "replay", "r")
    for doc in replayed:
        writer(doc)
    with h5py.File(writer.path, "r") as f:
        assert f["entry1/instrument/x/x_set"][()].tolist() == [0.0, 0.5, 1.0]
        assert f["entry1/instrument/y/y_set"][()].tolist() == [0.0, 0.25]
