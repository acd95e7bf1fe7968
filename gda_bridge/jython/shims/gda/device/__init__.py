"""gda.device: Scannable, Detector (with GDA's int status constants) and DeviceException.

``Scannable`` and ``Detector`` are stand-ins for the Java interfaces: ``isinstance`` is true for
Java devices and Python ones (ScannableMotionBase subclasses...) alike, and other attributes come
from the Java interface. ``DeviceException`` is gda_bridge's DeviceError, which our commands and
Python devices raise (the commands turn a Java device's DeviceException into it).
"""

from typing import Any

from gda_bridge.bridge import is_device, jclass
from gda_bridge.commands.devices import is_detector
from gda_bridge.devices import DetectorBase
from gda_bridge.jython.importer import java_fallback
from gda_bridge.jython.interrupts import exception_names

DeviceException = exception_names()["DeviceException"]


class _JavaInterface(type):
    """isinstance() by what a device can do; other attributes from the Java interface."""

    def __instancecheck__(cls, obj: Any) -> bool:
        return bool(cls._check(obj)) if "_check" in cls.__dict__ else type.__instancecheck__(cls, obj)

    def __getattr__(cls, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(jclass(cls._java), name)


class Scannable(metaclass=_JavaInterface):
    """gda.device.Scannable."""

    _java = "gda.device.Scannable"
    _check = staticmethod(is_device)


class ScannableMotion(Scannable):
    """gda.device.ScannableMotion."""

    _java = "gda.device.ScannableMotion"

    @staticmethod
    def _check(obj: Any) -> bool:
        return is_device(obj) and callable(getattr(obj, "getLowerGdaLimits", None))


class Detector(Scannable):
    """gda.device.Detector, with GDA's status codes."""

    _java = "gda.device.Detector"
    _check = staticmethod(lambda obj: is_device(obj) and is_detector(obj))
    IDLE = DetectorBase.IDLE
    BUSY = DetectorBase.BUSY
    PAUSED = DetectorBase.PAUSED
    STANDBY = DetectorBase.STANDBY
    FAULT = DetectorBase.FAULT
    MONITORING = DetectorBase.MONITORING


__all__ = ["DeviceException", "Detector", "Scannable", "ScannableMotion"]
__getattr__ = java_fallback(__name__)
