"""gda.device.scannable: the bases scripts subclass (Python classes the Java engine drives through
a proxy); other names, e.g. DummyScannable, are the Java core's classes."""

from gda_bridge.devices import (
    PseudoDevice,
    ScannableBase,
    ScannableGroup,
    ScannableMotionBase,
    ScannableMotionUnitsBase,
)
from gda_bridge.devices.fields import (
    DottedAccessScannableMotionBase,
    PositionCallableProvider,
)
from gda_bridge.devices.motor import ScannableMotor
from gda_bridge.jython.importer import java_fallback

__all__ = [
    "DottedAccessScannableMotionBase",
    "DummyScannable",
    "PositionCallableProvider",
    "PseudoDevice",
    "ScannableBase",
    "ScannableGroup",
    "ScannableMotionBase",
    "ScannableMotionUnitsBase",
    "ScannableMotor",
]
__getattr__ = java_fallback(__name__)
