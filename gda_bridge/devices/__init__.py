"""Python device base classes with GDA's manners, and simulated devices (``devices.sim``)."""

from gda_bridge.devices.base import (
    MonitorBase,
    ScannableBase,
    ScannableMotionBase,
    ScannableMotionUnitsBase,
)
from gda_bridge.devices.detector import DetectorBase
from gda_bridge.devices.group import ScannableGroup

PseudoDevice = ScannableMotionBase
"""GDA's name until 2020; old scripts still subclass it."""
PseudoDetector = DetectorBase
"""GDA's name until 2020; old scripts still subclass it."""

__all__ = [
    "DetectorBase",
    "MonitorBase",
    "PseudoDetector",
    "PseudoDevice",
    "ScannableBase",
    "ScannableGroup",
    "ScannableMotionBase",
    "ScannableMotionUnitsBase",
]
