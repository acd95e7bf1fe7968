"""Positions mean what they say: numpy arrays and lists are position lists, nothing the user gives
is dropped, and what the grammar cannot take whole is one clear error naming device and value."""

from __future__ import annotations

import numpy as np
import pytest

from gda_bridge import commands
from gda_bridge.commands import (
    a2scan,
    ascan,
    cscan,
    dscan,
    gscan,
    inc,
    mesh,
    pos,
    pscan,
    rscan,
    scan,
    timescan,
    uinc,
    upos,
)
from gda_bridge.core.errors import ScanSyntaxError
from gda_bridge.devices.sim import GaussianCounter, SimMotor, SimMultiField


@pytest.fixture
def x():
    return SimMotor("x", speed=None, limits=(-10, 10))


@pytest.fixture
def det(x):
    return GaussianCounter("det", motor=x, centre=1.3, fwhm=0.8, peak=1000, noise=0.0)


@pytest.fixture
def mf():
    return SimMultiField("mf")


def _reached(result, column):
    return result[column].tolist()


# ------------------------------------------------------------------ arrays and lists as positions


@pytest.mark.parametrize(
    "positions",
    [
        np.linspace(0, 2, 5),
        np.arange(5, dtype=np.int32) * 0.5,
        np.array([0, 0.5, 1, 1.5, 2], dtype=np.float32),
        [0, 0.5, 1, 1.5, 2],
        [np.float64(0), 0.5, np.int64(1), 1.5, 2],
    ],
    ids=["linspace", "int32-times", "float32", "list", "numpy-scalars"],
)
def test_an_array_or_a_list_is_a_list_of_positions(ctx, x, det, positions):
    s = scan(x, positions, det, 0.01)
    assert s.num_points == 5 and s.shape == (5,)
    assert _reached(s, "x") == [0.0, 0.5, 1.0, 1.5, 2.0]
    assert x() == 2.0


def test_an_integer_array_moves_to_every_integer(ctx, x, det):
    s = scan(x, np.arange(4), det)
    assert _reached(s, "x") == [0.0, 1.0, 2.0, 3.0]


def test_a_list_nested_after_an_outer_dimension_opens_an_inner_one(ctx, x, det):
    y = SimMotor("y")
    s = scan(x, 0, 1, 1, y, np.array([5.0, 6.0, 7.0]), det)
    assert s.shape == (2, 3)
    assert s.grid("y").tolist() == [[5, 6, 7], [5, 6, 7]]


def test_a_list_of_the_input_length_is_one_position_of_a_multi_input_scannable(ctx, mf):
    s = scan(mf, [0, 0], [1, 2], [1, 2])
    assert _reached(s, "a") == [0.0, 1.0] and _reached(s, "b") == [0.0, 2.0]
    s = scan(mf, np.array([0.0, 0.0]), np.array([1.0, 2.0]), np.array([1.0, 2.0]))
    assert _reached(s, "b") == [0.0, 2.0]


@pytest.mark.parametrize(
    "positions",
    [np.array([[0, 1], [2, 3], [4, 5]]), [[0, 1], [2, 3], [4, 5]], ([0, 1], [2, 3], [4, 5])],
    ids=["2-d-array", "list-of-lists", "tuple-of-lists"],
)
def test_a_2d_array_or_a_list_of_lists_is_a_list_of_positions_of_a_multi_input_scannable(ctx, mf, positions):
    s = scan(mf, positions)
    assert s.num_points == 3
    assert _reached(s, "a") == [0.0, 2.0, 4.0] and _reached(s, "b") == [1.0, 3.0, 5.0]


def test_every_scan_command_takes_arrays_and_lists(ctx, x, det):
    x(1.0)
    s = rscan(x, np.array([-0.5, 0.0, 0.5]), det)
    assert _reached(s, "x") == [0.5, 1.0, 1.5] and x() == 1.0
    s = rscan(x, [-1, 1], det)
    assert _reached(s, "x") == [0.0, 2.0] and x() == 1.0
    assert "3 points" in commands.testscan(x, np.linspace(0, 1, 3), det)
    assert x() == 1.0
    # numpy scalars are numbers wherever a number is due
    assert _reached(cscan(x, np.float64(1), np.float32(0.5), det), "x") == [0.0, 0.5, 1.0, 1.5, 2.0]
    assert _reached(pscan(x, np.float64(0), 0.5, np.int64(3), det), "x") == [0.0, 0.5, 1.0]
    assert _reached(gscan(x, np.int64(0), 1, np.float64(1), det), "x") == [0.0, 1.0]
    assert _reached(ascan(x, np.float64(0), 1, np.int64(2), det, 0), "x") == [0.0, 0.5, 1.0]
    y = SimMotor("y")
    assert _reached(a2scan(x, 0, 1, y, np.float64(10), 12, 2, det, 0), "y") == [10.0, 11.0, 12.0]
    assert mesh(x, 0, 1, np.int64(1), y, 0, 1, 1, det, 0).shape == (2, 2)
    assert timescan(det, np.int64(2), np.float64(0.0)).num_points == 2


def test_a_one_element_list_still_stands_for_one_value_in_start_stop_step(ctx, x, det):
    assert _reached(scan(x, [0], [1], [0.5], det), "x") == [0.0, 0.5, 1.0]


def test_the_command_text_shows_the_positions(ctx, x, det):
    s = scan(x, np.linspace(0, 1, 3), det)
    assert s.command == "scan x [0, 0.5, 1] det"
    s = scan(x, np.linspace(0, 1, 101), det)
    assert s.command == "scan x [0, 0.01, 0.02, ..., 1] det" and s.num_points == 101


# ------------------------------------------------------------------ what the grammar cannot take


def _refused(pattern, call, *args):
    with pytest.raises(ScanSyntaxError, match=pattern) as info:
        call(*args)
    message = str(info.value)
    assert "\n" not in message
    return message


@pytest.mark.parametrize(
    ("make_args", "pattern"),
    [
        (lambda x, mf, det: (mf, [1, 2, 3], det), r"mf.*2 values.*\(a, b\).*\[1, 2, 3\]"),
        (lambda x, mf, det: (mf, [[0, 1], [2, 3, 4]]), r"mf.*\[2, 3, 4\]"),
        (lambda x, mf, det: (mf, np.zeros((3, 3))), r"mf.*shape \(3, 3\)"),
        (lambda x, mf, det: (x, np.zeros((2, 2, 2)), det), r"x.*3-D"),
        (lambda x, mf, det: (x, [[0, 1], 2], det), r"x.*\[\[0, 1\], 2\]"),
        (lambda x, mf, det: (x, [0, [1, 2]], det), r"x.*\[0, \[1, 2\]\]"),
        (lambda x, mf, det: (x, [0, np.nan, 1], det), r"x.*nan.*not a finite number"),
        (lambda x, mf, det: (x, np.array([0, np.inf]), det), r"x.*inf.*not a finite number"),
        (lambda x, mf, det: (x, 0, np.nan, 1, det), r"x.*nan.*not a finite number"),
        (lambda x, mf, det: (x, "a", 1, 0.5, det), r"x.*start 'a' is not a number"),
        (lambda x, mf, det: (x, 0, 1, "b", det), r"x.*step 'b' is not a number"),
        (lambda x, mf, det: (x, [], det), r"x.*no positions"),
        (lambda x, mf, det: (x, np.array([]), det), r"x.*no positions"),
        (lambda x, mf, det: (x, np.array(["a", "b"]), det), r"x.*not numbers"),
        (lambda x, mf, det: (x, np.array([1 + 2j]), det), r"x.*not numbers"),
        (lambda x, mf, det: (x, [0, 1, 2], 1, det), r"x.*\[0, 1, 2\].*only value"),
        (lambda x, mf, det: (x, 0, [1, 2], 1, det), r"x.*stop \[1, 2\].*only value"),
        (lambda x, mf, det: (x, {"a": 1}, det), r"x.*\{'a': 1\}.*dict"),
        (lambda x, mf, det: (x, None, det), r"x.*None"),
        (lambda x, mf, det: (x, 0, 1, 0.5, det, np.array([0.1, 0.2])), r"det.*\[0.1, 0.2\]"),
        (lambda x, mf, det: (x, 0, 1, 0.5, det, "fast"), r"det.*'fast'"),
    ],
    ids=[
        "wrong-length-for-multi-input", "ragged-positions-of-multi-input", "2d-wrong-width",
        "3d-array", "ragged-list", "number-then-list", "nan-in-list", "inf-in-array", "nan-stop",
        "text-start", "text-step", "empty-list", "empty-array", "text-array", "complex-array",
        "list-with-other-values", "list-as-stop", "dict", "none", "array-as-time", "text-time",
    ],
)
def test_what_the_grammar_cannot_take_whole_is_a_scan_syntax_error(ctx, x, mf, det, make_args, pattern):
    args = make_args(x, mf, det)
    _refused(pattern, scan, *args)
    _refused(pattern, commands.testscan, *args)
    assert x() == 0.0 and mf()[:2] == [0.0, 0.0]
    assert not [line for line in ctx.lines if line.startswith("Scan")]


def test_other_scan_commands_refuse_what_they_cannot_take(ctx, x, det):
    _refused(r"rscan: x.*\[0, 1\].*only value", rscan, x, [0, 1], 1, det)
    _refused(r"cscan: x.*halfwidth \[1, 2\]", cscan, x, [1, 2], 0.5, det)
    _refused(r"pscan: x.*start \[0, 1\]", pscan, x, [0, 1], 0.5, 3, det)
    _refused(r"gscan: x.*start \[0, 1\]", gscan, x, [0, 1], 2, 1, det)
    _refused(r"ascan: x.*start \[0, 1\]", ascan, x, [0, 1], 2, 2, det, 0)
    _refused(r"dscan: x.*nan", dscan, x, np.nan, 2, 2, det, 0)
    _refused(r"mesh: x.*finish \[1, 2\]", mesh, x, 0, [1, 2], 1, SimMotor("y"), 0, 1, 1, det, 0)
    _refused(r"timescan:.*\[1, 2\]", timescan, det, 3, 0.1, [1, 2])
    assert x() == 0.0


# ------------------------------------------------------------------ pos, inc, upos, uinc


def test_pos_with_a_list_on_a_one_input_scannable_is_refused(ctx, x):
    message = _refused(r"pos: x takes one value.*\[3, 4, 5\]", pos, x, [3, 4, 5])
    assert "scan" in message  # says how to go through positions
    _refused(r"upos: x takes one value.*\[3, 4\]", upos, x, np.array([3.0, 4.0]))
    assert x() == 0.0


def test_pos_takes_numpy_numbers_and_one_element_lists(ctx, x, mf):
    pos(x, np.float32(2.5))
    assert x() == 2.5
    pos(x, np.array([3.0]))
    assert x() == 3.0
    pos(mf, np.array([1.0, 2.0]))
    assert mf()[:2] == [1.0, 2.0]


def test_pos_refuses_wrong_lengths_and_non_finite_positions(ctx, x, mf):
    _refused(r"pos: mf.*2 values.*\[1, 2, 3\]", pos, mf, [1, 2, 3])
    _refused(r"pos: mf.*2 values.*\b1\b", pos, mf, 1)
    _refused(r"pos: x.*nan.*not a finite number", pos, x, float("nan"))
    _refused(r"pos: x.*shape \(2, 2\)", pos, x, np.zeros((2, 2)))
    assert x() == 0.0 and mf()[:2] == [0.0, 0.0]


def test_inc_never_drops_part_of_a_step(ctx, x, mf):
    _refused(r"inc: x takes one value.*\[1, 2\]", inc, x, [1, 2])
    _refused(r"uinc: mf.*2 values.*\[1, 2, 3\]", uinc, mf, [1, 2, 3])
    inc(mf, [1, None])
    assert mf()[:2] == [1.0, 0.0]
    inc(x, np.float64(0.5))
    assert x() == 0.5


# ------------------------------------------------------------------ GDA syntax and script forms


def test_gda_syntax_and_scripted_concurrent_scans_take_lists_and_arrays(ctx, tmp_path, monkeypatch, x, det):
    from gda_bridge.jython.runner import ScriptRunner

    monkeypatch.setenv("GDA_BRIDGE_CACHE_DIR", str(tmp_path / "cache"))
    script = tmp_path / "positions_script.py"
    script.write_text(
        "import numpy\n"
        "from gda.scan import ConcurrentScan\n"
        "scan x [0 0.5 1] det\n"
        "first = x()\n"
        "ConcurrentScan([x, numpy.linspace(0, 2, 5), det]).runScan()\n"
        "try:\n"
        "    pos x [3 4 5]\n"
        "except ValueError as e:\n"
        "    refused = str(e)\n"
    )
    runner = ScriptRunner({"x": x, "det": det}, mode="py3")
    runner.run_file(script)
    ns = runner.namespace
    assert ns["first"] == 1.0 and x() == 2.0
    assert ctx.last_result.num_points == 5
    assert ns["refused"].startswith("pos: x takes one value; [3, 4, 5] has 3")
