"""Python devices handed to the Java engine as JPype proxies of gda.device interfaces.

The adapter keeps the last value a device returned (``last``) so that the scan's documents carry
the Python object itself (a numpy frame stays a numpy frame) while Java only sees small values.
Which interfaces a device gets is decided by what it can do (duck typing), so the bridge does not
depend on the device classes above it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

import jpype

from gda_bridge.bridge.convert import from_java, to_java_position, to_names
from gda_bridge.bridge.interrupts import clear_interrupt, python_interrupt_seen
from gda_bridge.bridge.jvm import ensure_jvm

log = logging.getLogger("gda_bridge.bridge")

HOOKS = (
    "atScanStart",
    "atScanEnd",
    "atScanLineStart",
    "atScanLineEnd",
    "atPointStart",
    "atPointEnd",
    "atLevelStart",
    "atLevelMoveStart",
    "atLevelEnd",
    "atCommandFailure",
    "prepareForCollection",
    "endCollection",
)
# Base classes mark their no-op hooks with this attribute; a hook without it was overridden.
DEFAULT_HOOK_MARK = "_gda_default_hook"

_interrupt = threading.local()


def on_interrupt(handler: Callable[[], None] | None) -> None:
    """Set what a Ctrl-C inside a device call on this thread should do (abort the running scan)."""
    _interrupt.handler = handler


def interrupted() -> None:
    """Called where Python code run by Java sees Ctrl-C, before re-raising it."""
    # Ctrl-C also sets the Java thread's interrupt flag; left set, it breaks JPype's conversion
    # of the KeyboardInterrupt we re-raise. The scan learns of it through its abort request.
    clear_interrupt()
    python_interrupt_seen()
    handler = getattr(_interrupt, "handler", None)
    if handler is not None:
        handler()


def _detector_status(code: Any) -> Any:
    status = jpype.JClass("gda.device.DetectorStatus")
    if isinstance(code, str):
        return status.valueOf(code.upper())
    return status.fromCode(int(code))


class ScannableAdapter:
    """The Java face of a Python Scannable."""

    def __init__(self, device: Any) -> None:
        self.device = device
        self.last: Any = None
        self._hooks = [
            h for h in HOOKS if hasattr(device, h) and not getattr(getattr(type(device), h, None), DEFAULT_HOOK_MARK, False)
        ]

    # identity and fields
    def getName(self) -> str:
        return self.device.getName()

    def setName(self, name: str) -> None:
        self.device.setName(str(name))

    def getInputNames(self) -> Any:
        return jpype.JArray(jpype.JString)(to_names(self.device.getInputNames()))

    def setInputNames(self, names: Any) -> None:
        self.device.setInputNames(to_names(names))

    def getExtraNames(self) -> Any:
        return jpype.JArray(jpype.JString)(to_names(self.device.getExtraNames()))

    def setExtraNames(self, names: Any) -> None:
        self.device.setExtraNames(to_names(names))

    def getOutputFormat(self) -> Any:
        return jpype.JArray(jpype.JString)(to_names(self.device.getOutputFormat()))

    def setOutputFormat(self, formats: Any) -> None:
        self.device.setOutputFormat(to_names(formats))

    def getLevel(self) -> int:
        return int(self.device.getLevel())

    def setLevel(self, level: int) -> None:
        self.device.setLevel(int(level))

    def toFormattedString(self) -> str:
        return self.device.toFormattedString()

    def implementedHooks(self) -> Any:
        hooks = jpype.JClass("java.util.HashSet")()
        for h in self._hooks:
            hooks.add(h)
        return hooks

    # motion
    def getPosition(self) -> Any:
        """The position; a GDA PositionCallableProvider is read through its callable, as GDA's
        scans read it (resolved here, at the point, rather than later on a thread pool)."""
        try:
            provider = getattr(self.device, "getPositionCallable", None)
            value = provider().call() if callable(provider) else self.device.getPosition()
        except KeyboardInterrupt:
            interrupted()
            raise
        self.last = value
        return to_java_position(value)

    def asynchronousMoveTo(self, position: Any) -> None:
        try:
            self.device.asynchronousMoveTo(from_java(position))
        except KeyboardInterrupt:
            interrupted()
            raise

    def moveTo(self, position: Any) -> None:
        try:
            self.device.moveTo(from_java(position))
        except KeyboardInterrupt:
            interrupted()
            raise

    def checkPositionValid(self, position: Any) -> Any:
        reason = self.device.checkPositionValid(from_java(position))
        return None if reason is None else str(reason)

    def isBusy(self) -> bool:
        try:
            return bool(self.device.isBusy())
        except KeyboardInterrupt:
            interrupted()
            raise

    def waitWhileBusy(self) -> None:
        try:
            self.device.waitWhileBusy()
        except KeyboardInterrupt:
            interrupted()
            raise

    def stop(self) -> None:
        self.device.stop()

    def _hook(self, name: str) -> None:
        try:
            getattr(self.device, name)()
        except KeyboardInterrupt:
            interrupted()
            raise

    def atScanStart(self) -> None:
        self._hook("atScanStart")

    def atScanEnd(self) -> None:
        self._hook("atScanEnd")

    def atScanLineStart(self) -> None:
        self._hook("atScanLineStart")

    def atScanLineEnd(self) -> None:
        self._hook("atScanLineEnd")

    def atPointStart(self) -> None:
        self._hook("atPointStart")

    def atPointEnd(self) -> None:
        self._hook("atPointEnd")

    def atLevelStart(self) -> None:
        self._hook("atLevelStart")

    def atLevelMoveStart(self) -> None:
        self._hook("atLevelMoveStart")

    def atLevelEnd(self) -> None:
        self._hook("atLevelEnd")

    def atCommandFailure(self) -> None:
        self._hook("atCommandFailure")


class MotionAdapter(ScannableAdapter):
    """Adds limits, offset, scaling and tolerance (gda.device.ScannableMotion)."""

    @staticmethod
    def _doubles(values: Any) -> Any:
        if values is None:
            return None
        if not isinstance(values, (list, tuple)):
            values = [values]
        boxed = jpype.JClass("java.lang.Double")
        return jpype.JArray(boxed)([None if v is None else boxed(float(v)) for v in values])

    def getLowerGdaLimits(self) -> Any:
        return self._doubles(self.device.getLowerGdaLimits())

    def setLowerGdaLimits(self, limits: Any) -> None:
        self.device.setLowerGdaLimits(from_java(limits))

    def getUpperGdaLimits(self) -> Any:
        return self._doubles(self.device.getUpperGdaLimits())

    def setUpperGdaLimits(self, limits: Any) -> None:
        self.device.setUpperGdaLimits(from_java(limits))

    def getOffset(self) -> Any:
        return self._doubles(self.device.getOffset())

    def setOffset(self, *offset: Any) -> None:
        self.device.setOffset(*[from_java(o) for o in offset])

    def getScalingFactor(self) -> Any:
        return self._doubles(self.device.getScalingFactor())

    def setScalingFactor(self, *factor: Any) -> None:
        self.device.setScalingFactor(*[from_java(f) for f in factor])

    def getTolerances(self) -> Any:
        return self._doubles(self.device.getTolerances())

    def setTolerances(self, tolerances: Any) -> None:
        self.device.setTolerances(from_java(tolerances))

    def getNumberTries(self) -> int:
        return int(self.device.getNumberTries())

    def setNumberTries(self, tries: int) -> None:
        self.device.setNumberTries(int(tries))

    def isAt(self, position: Any) -> bool:
        return bool(self.device.isAt(from_java(position)))


class MonitorAdapter(ScannableAdapter):
    def getUnit(self) -> str:
        return str(self.device.getUnit() or "")


class DetectorAdapter(ScannableAdapter):
    """gda.device.Detector; a frame's readout stays in ``last`` and Java gets null."""

    def collectData(self) -> None:
        try:
            self.device.collectData()
        except KeyboardInterrupt:
            interrupted()
            raise

    def getStatus(self) -> Any:
        try:
            return _detector_status(self.device.getStatus())
        except KeyboardInterrupt:
            interrupted()
            raise

    def readout(self) -> Any:
        try:
            value = self.device.readout()
        except KeyboardInterrupt:
            interrupted()
            raise
        self.last = value
        return to_java_position(value)

    def setCollectionTime(self, seconds: float) -> None:
        self.device.setCollectionTime(float(seconds))

    def getCollectionTime(self) -> float:
        return float(self.device.getCollectionTime())

    def prepareForCollection(self) -> None:
        self._hook("prepareForCollection")

    def endCollection(self) -> None:
        self._hook("endCollection")

    def createsOwnFiles(self) -> bool:
        return bool(self.device.createsOwnFiles())

    def getDataDimensions(self) -> Any:
        dims = self.device.getDataDimensions() or ()
        return jpype.JArray(jpype.JInt)([int(d) for d in dims])


def _interruptible(call: Callable[[], Any]) -> Any:
    try:
        return call()
    except KeyboardInterrupt:
        interrupted()
        raise


def _java_values(values: Any, what: str, wanted: int) -> Any:
    values = list(values)
    if len(values) != wanted:
        raise ValueError(f"{what}: asked for {wanted} values, got {len(values)}")
    return jpype.JArray(jpype.JObject)([to_java_position(v) for v in values])


class ContinuousLineAdapter(ScannableAdapter):
    """gda.device.ContinuousLine: its bins' positions cross to Java (``values_from_java``)."""

    values_from_java = True

    def checkLineValid(self, demands: Any, seconds_per_bin: float) -> Any:
        return self.device.checkLineValid(list(demands), float(seconds_per_bin))

    def prepareLine(self, demands: Any, seconds_per_bin: float) -> None:
        _interruptible(lambda: self.device.prepareLine(list(demands), float(seconds_per_bin)))

    def startLine(self) -> None:
        _interruptible(self.device.startLine)

    def waitForBins(self, wanted: int) -> int:
        return int(_interruptible(lambda: self.device.waitForBins(int(wanted))))

    def getBinsCaptured(self) -> int:
        return int(self.device.getBinsCaptured())

    def readBins(self, start: int, end: int) -> Any:
        return _java_values(self.device.readBins(int(start), int(end)), f"{self.getName()}.readBins",
                            int(end) - int(start))

    def completeLine(self) -> None:
        _interruptible(self.device.completeLine)


class BufferedDetectorAdapter(DetectorAdapter):
    """gda.device.BufferedDetector: one value per frame crosses to Java (``values_from_java``)."""

    values_from_java = True

    def prepareForLine(self, frames: int, seconds_per_bin: float) -> None:
        _interruptible(lambda: self.device.prepareForLine(int(frames), float(seconds_per_bin)))

    def waitForFrames(self, wanted: int) -> int:
        return int(_interruptible(lambda: self.device.waitForFrames(int(wanted))))

    def getFramesReadable(self) -> int:
        return int(self.device.getFramesReadable())

    def readFrames(self, start: int, end: int) -> Any:
        return _java_values(self.device.readFrames(int(start), int(end)), f"{self.getName()}.readFrames",
                            int(end) - int(start))


def _interfaces_and_adapter(device: Any) -> tuple[list[str], ScannableAdapter]:
    if hasattr(device, "prepareLine") and hasattr(device, "readBins"):
        return ["gda.device.ContinuousLine"], ContinuousLineAdapter(device)
    if hasattr(device, "prepareForLine") and hasattr(device, "readFrames"):
        return ["gda.device.BufferedDetector"], BufferedDetectorAdapter(device)
    if hasattr(device, "collectData") and hasattr(device, "readout"):
        return ["gda.device.Detector"], DetectorAdapter(device)
    if hasattr(device, "getLowerGdaLimits"):
        return ["gda.device.ScannableMotion"], MotionAdapter(device)
    if getattr(device, "is_monitor", False):
        return ["gda.device.Monitor"], MonitorAdapter(device)
    return ["gda.device.Scannable"], ScannableAdapter(device)


def to_java_device(device: Any) -> Any:
    """The Java object the engine uses for ``device`` (itself when it is already Java).

    The proxy is made once per device and kept on it, so Java sees the same object every time.
    """
    if isinstance(device, jpype.JObject):
        return device
    ensure_jvm()
    cached = getattr(device, "_java_proxy", None)
    if cached is not None:
        return cached
    interfaces, adapter = _interfaces_and_adapter(device)
    proxy = jpype.JObject(jpype.JProxy([*interfaces, "gda.device.HookAware"], inst=adapter), interfaces[0])
    try:
        object.__setattr__(device, "_java_proxy", proxy)
        object.__setattr__(device, "_java_adapter", adapter)
    except AttributeError:
        log.debug("cannot cache the Java proxy on %r", device)
    return proxy


def from_java_device(obj: Any) -> Any:
    """The Python device behind a proxy that Java handed back, or the Java device itself."""
    if isinstance(obj, jpype.JProxy):
        return jpype.JProxy.unwrap(obj).device
    return obj


def adapter_of(device: Any) -> ScannableAdapter | None:
    """The adapter behind a Python device's proxy, or None for a Java device."""
    return getattr(device, "_java_adapter", None)


def is_java(obj: Any) -> bool:
    return isinstance(obj, jpype.JObject)
