"""The JVM door: imports, conversions, exceptions, Java devices with Python manners."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from gda_bridge.bridge import adapter_of, ensure_jvm, jclass, to_java_device
from gda_bridge.bridge.convert import from_java, to_java_position
from gda_bridge.bridge.errors import java_errors
from gda_bridge.core.errors import DeviceError, ScanSyntaxError
from gda_bridge.devices.sim import GaussianCounter, SimMotor, SimZeroField

REPO = Path(__file__).resolve().parents[2]


def test_user_scripts_import_java_packages_even_from_the_repository_root():
    # The repository root has a java/ folder, which would shadow Java's `java` package.
    code = (
        "from gda_bridge.bridge import ensure_jvm; ensure_jvm()\n"
        "import jpype.imports\n"
        "from java.lang import System\n"
        "import java.util\n"
        "print(System.getProperty('java.specification.version'), java.util.ArrayList().size())\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60,
        env={"GDA_BRIDGE_JVM_HEAP": "64m", "PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO)},
    )
    assert out.returncode == 0, out.stderr
    version, size = out.stdout.split()
    assert int(version) >= 17 and size == "0"


def test_jvm_heap_is_bounded():
    ensure_jvm()
    runtime = jclass("java.lang.Runtime").getRuntime()
    assert runtime.maxMemory() <= 1024 * 1024 * 1024


def test_positions_round_trip():
    ensure_jvm()
    for value in (1.5, [1.0, 2.0], [1.0, "a"], None):
        assert from_java(to_java_position(value)) == value
    assert from_java(to_java_position(3)) == 3.0


def test_java_exceptions_become_python_exceptions_with_the_java_message():
    device_exception = jclass("gda.device.DeviceException")
    with pytest.raises(DeviceError, match="motor x: amplifier off"):
        with java_errors():
            raise device_exception("motor x: amplifier off")
    with pytest.raises(ScanSyntaxError, match="bad"):
        with java_errors():
            raise jclass("java.lang.IllegalArgumentException")("bad")


def test_python_device_seen_from_java_is_a_scannable_with_its_hooks_listed():
    x = SimMotor("x", limits=(-1, 1))
    det = GaussianCounter("det", motor=x)
    jx, jdet = to_java_device(x), to_java_device(det)
    assert isinstance(jx, jclass("gda.device.ScannableMotion"))
    assert isinstance(jdet, jclass("gda.device.Detector"))
    assert to_java_device(x) is jx
    assert jx.getName() == "x" and list(jx.getInputNames()) == ["x"]
    jx.asynchronousMoveTo(to_java_position(0.5))
    jx.waitWhileBusy()
    assert float(jx.getPosition()) == 0.5 and "outside" in str(jx.checkPositionValid(to_java_position(3.0)))
    assert set(adapter_of(x).implementedHooks()) == set()
    shutter = SimZeroField("shutter")
    to_java_device(shutter)
    assert set(adapter_of(shutter).implementedHooks()) == {"atScanStart", "atScanEnd"}
    assert str(jdet.getStatus()) == "IDLE"


def test_java_device_has_python_manners():
    motor = jclass("gda.device.scannable.DummyScannable")("d", 2.0)
    assert motor() == 2.0 and len(motor) == 1 and motor[0] == 2.0
    assert motor(3.0).startswith("Move complete: d")
    assert repr(motor).startswith("d : 3")


def test_a_java_device_refuses_an_array_target_instead_of_moving_to_null():
    import numpy as np

    from gda_bridge.core.errors import DeviceError
    from gda_bridge.devices.java import java_sim_motor

    jx = java_sim_motor("jx_target", speed=1e4, lower=-5, upper=5)
    jx(1.0)
    with pytest.raises(DeviceError, match=r"^jx_target: ndarray of shape \(100,\) is not a position"):
        jx(np.zeros(100))
    with pytest.raises(DeviceError, match=r"has 3 value\(s\) but jx_target has 1 input name"):
        jx(np.zeros(3))
    assert jx() == 1.0


def test_a_device_class_is_not_a_device():
    """Sessions put the device classes beside the devices; stop-all, ``pos`` and completion must
    not take the classes for devices (stop-all called ``ScannableBase.stop()`` unbound)."""
    from gda_bridge.bridge.engine import is_device
    from gda_bridge.devices.sim import SimMotor

    assert is_device(SimMotor("x")) and not is_device(SimMotor)
    ensure_jvm()
    assert not is_device(jclass("gda.device.Scannable"))
