"""GDA manners of the Python device bases, without the JVM."""

from __future__ import annotations

import numpy as np
import pytest

from gda_bridge.core.errors import DeviceError
from gda_bridge.devices import (
    DetectorBase,
    PseudoDetector,
    PseudoDevice,
    ScannableBase,
    ScannableGroup,
    ScannableMotionBase,
)
from gda_bridge.devices.sim import GaussianCounter, SimMotor, SimMultiField, SimZeroField
from tests.sample_devices import Temperature


def test_subclass_without_base_init_has_gda_defaults_and_synced_bean_properties():
    t = Temperature("temp")
    assert t.getName() == "temp" and t.getLevel() == 3 and t.getInputNames() == ["temp"]
    assert t.getExtraNames() == [] and t.getLowerGdaLimits() is None
    t.setName("t2")
    assert t.name == "t2"
    t.level = 7
    assert t.getLevel() == 7
    t.setInputNames(("a",))
    assert t.inputNames == ["a"]


def test_class_level_bean_attributes_are_kept_per_instance():
    class Legacy(ScannableBase):
        inputNames = ["a", "b"]
        outputFormat = ["%.1f"]

    one, two = Legacy(), Legacy()
    one.inputNames.append("c")
    assert two.inputNames == ["a", "b"]
    assert ScannableBase().inputNames == ["value"] and ScannableBase().getLevel() == 5


def test_formatted_strings_follow_gda():
    t = Temperature("temp")
    assert str(t) == "temp : 20.00"
    x = SimMotor("x", limits=(-10, 10))
    x.moveTo(5)
    assert repr(x) == "x : 5.0000 (-10:10)"
    mf = SimMultiField("mf")
    mf([1, 2])
    assert str(mf) == "mf : a: 1.000 b: 2.000 total: 3.000"
    assert str(SimZeroField("shutter")) == "shutter : ---"
    det = GaussianCounter("det", motor=x)
    assert str(det) == "det : status=IDLE"


def test_jython_call_len_and_index():
    x = SimMotor("x")
    assert x(2.5) == "Move complete: x : 2.5000"
    assert x() == 2.5 and len(x) == 1 and x[0] == 2.5
    mf = SimMultiField("mf")
    mf([3, 4])
    assert len(mf) == 2 and mf[2] == 7.0


def test_move_outside_limits_is_refused_before_moving_and_names_device_value_limits():
    x = SimMotor("x", limits=(-10, 10))
    with pytest.raises(DeviceError, match=r"x: position 12 is outside the limits \(-10:10\)"):
        x.asynchronousMoveTo(12)
    assert x() == 0.0


def test_offset_and_scaling_convert_between_user_and_raw_positions():
    t = Temperature("temp")
    t.setOffset(1.5)
    t.moveTo(10)
    assert t._t == pytest.approx(8.5) and t() == pytest.approx(10)
    t.setScalingFactor(2.0)
    assert t() == pytest.approx(8.5 * 2 + 1.5)


def test_tolerance_and_is_at():
    t = Temperature("temp")
    t.setTolerances([0.1])
    t.moveTo(5.05)
    assert t.isAt(5.0) and not t.isAt(5.2)


def test_wrong_number_of_values_is_refused():
    with pytest.raises(DeviceError, match="expected 2"):
        SimMultiField("mf").asynchronousMoveTo([1, 2, 3])


def test_sim_motor_takes_real_time_and_stops_mid_move():
    x = SimMotor("x", speed=10.0)
    x.asynchronousMoveTo(5.0)  # 0.5 s
    assert x.isBusy()
    x.stop()
    assert not x.isBusy() and 0.0 <= x() < 5.0


def test_gaussian_counter_peaks_at_its_centre():
    x = SimMotor("x")
    det = GaussianCounter("det", motor=x, centre=1.3, fwhm=0.8, peak=1000)
    x(1.3)
    det.collectData()
    assert det.readout() == pytest.approx(1000)
    x(1.7)
    det.collectData()
    assert det.readout() == pytest.approx(500, rel=1e-6)


def test_group_moves_and_reads_its_members():
    a, b = SimMotor("a", limits=(0, 1)), SimMotor("b")
    g = ScannableGroup("g", [a, b])
    assert g.getInputNames() == ["a", "b"]
    g.moveTo([0.5, 3])
    assert g() == [0.5, 3.0] and g.a is a
    assert "outside the limits" in g.checkPositionValid([2, 0])


def test_old_names_are_aliases():
    assert PseudoDevice is ScannableMotionBase and PseudoDetector is DetectorBase


def test_detector_defaults():
    class Det(DetectorBase):
        def readout(self):
            return 4.0

    d = Det()
    d.setName("d")
    assert d.getLevel() == 100 and d.getInputNames() == [] and d() == 4.0
    d.asynchronousMoveTo(0.5)
    assert d.getCollectionTime() == 0.5


def test_a_list_for_a_one_input_device_is_refused_not_cut_to_its_first_value():
    x = SimMotor("x", speed=1e6)
    for bad in ([3, 4, 5], np.array([1.0, 2.0]), []):
        with pytest.raises(DeviceError, match=r"^x: position .* has \d values; expected 1 for inputs \['x'\]$"):
            x.moveTo(bad)
    with pytest.raises(DeviceError):
        x(3, 4, 5)
    x.moveTo([2.0])
    x(np.float64(1.5))
    assert x() == 1.5
