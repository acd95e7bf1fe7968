"""GDA's device base classes as Python classes that scripts can subclass.

JPype cannot subclass a Java class, so legacy ``class MyPD(ScannableMotionBase)`` scripts get these;
the bridge hands them to the Java engine as proxies. Bean properties are plain attributes
(``self.inputNames = ['x']``) kept in step with the getters and setters, and the state is set up
in ``__new__`` because legacy subclasses often never call the base ``__init__``.
"""

from __future__ import annotations

import copy
import logging
import time
from collections.abc import Sequence
from typing import Any

from gda_bridge.core.errors import DeviceError

log = logging.getLogger("gda_bridge.devices")

_BEAN_DEFAULTS: dict[str, Any] = {
    "name": None,
    "inputNames": ["value"],
    "extraNames": [],
    "outputFormat": ["%5.5g"],
    "level": 5,
    "units": None,
}


def default_hook(func: Any) -> Any:
    """Mark a base-class hook as a no-op, so the engine need not cross into Python for it."""
    func._gda_default_hook = True
    return func


def as_list(position: Any) -> list[Any]:
    """A position as a list of field values (GDA allows a scalar for one field)."""
    if position is None:
        return []
    if isinstance(position, str):
        return [position]
    if isinstance(position, Sequence) or hasattr(position, "__array__") and getattr(position, "ndim", 0) == 1:
        return list(position)
    return [position]


def format_value(fmt: str, value: Any) -> str:
    try:
        return fmt % value
    except (TypeError, ValueError):
        return str(value)


def format_limit(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:g}"


class ScannableBase:
    """GDA's ScannableBase: subclasses give rawGetPosition / rawAsynchronousMoveTo / isBusy
    (or override getPosition / asynchronousMoveTo themselves)."""

    def __new__(cls, *args: Any, **kwargs: Any) -> ScannableBase:
        obj = super().__new__(cls)
        for attr, default in cls._bean_defaults().items():
            value = getattr(cls, attr, default)
            obj.__dict__[attr] = copy.copy(value) if isinstance(value, list) else value
        obj._init_state()
        return obj

    @classmethod
    def _bean_defaults(cls) -> dict[str, Any]:
        return _BEAN_DEFAULTS

    def _init_state(self) -> None:
        """Per-instance state beyond the bean properties (subclasses extend)."""

    def __init__(self, name: str | None = None) -> None:
        if name is not None:
            self.name = name

    # bean properties -------------------------------------------------------------------------
    def getName(self) -> str:
        return self.name if self.name is not None else type(self).__name__

    def setName(self, name: str) -> None:
        self.name = str(name)

    def getInputNames(self) -> list[str]:
        return list(self.inputNames)

    def setInputNames(self, names: Sequence[str]) -> None:
        self.inputNames = [str(n) for n in names]

    def getExtraNames(self) -> list[str]:
        return list(self.extraNames)

    def setExtraNames(self, names: Sequence[str]) -> None:
        self.extraNames = [str(n) for n in names]

    def getOutputFormat(self) -> list[str]:
        formats = [str(f) for f in self.outputFormat]
        n = len(self.inputNames) + len(self.extraNames)
        if len(formats) == 1 and n > 1:
            formats = formats * n
        return formats

    def setOutputFormat(self, formats: Sequence[str] | str) -> None:
        self.outputFormat = [formats] if isinstance(formats, str) else [str(f) for f in formats]

    def getLevel(self) -> int:
        return int(self.level)

    def setLevel(self, level: int) -> None:
        self.level = int(level)

    def getUserUnits(self) -> str | None:
        return self.units

    def setUserUnits(self, units: str | None) -> None:
        self.units = units

    def configure(self) -> None:
        """GDA's configure(); nothing to do by default."""

    # observers (GDA's IObservable) ---------------------------------------------------------------
    def addIObserver(self, observer: Any) -> None:
        """Add an observer: a Python object or callable with ``update(source, change)``, or a Java
        ``gda.observable.IObserver``; adding one twice tells it once."""
        if getattr(observer, "update", None) is None and (isinstance(observer, ScannableBase) or not callable(observer)):
            raise TypeError(f"{self.getName()}: an observer needs update(source, change), not {observer!r}")
        observers = self.__dict__.setdefault("_observers", [])
        if not any(o is observer for o in observers):
            observers.append(observer)

    def deleteIObserver(self, observer: Any) -> None:
        observers = self.__dict__.get("_observers", [])
        observers[:] = [o for o in observers if o is not observer]

    def deleteIObservers(self) -> None:
        self.__dict__["_observers"] = []

    def isBeingObserved(self) -> bool:
        return bool(self.__dict__.get("_observers"))

    def notifyIObservers(self, source: Any, change: Any) -> None:
        """Call ``update(source, change)`` on every observer in the order they were added. One
        that raises does not stop the others; the first error is raised after all were told."""
        failure: Exception | None = None
        for observer in list(self.__dict__.get("_observers", [])):
            try:
                update = getattr(observer, "update", None)
                (update if update is not None else observer)(source, change)
            except Exception as exc:
                log.exception("%s: observer %r failed on %r", self.getName(), observer, change)
                failure = failure or exc
        if failure is not None:
            raise failure

    # position and motion ---------------------------------------------------------------------
    def rawGetPosition(self) -> Any:
        raise DeviceError(f"{self.getName()}: {type(self).__name__} does not implement rawGetPosition()")

    def rawAsynchronousMoveTo(self, position: Any) -> None:
        raise DeviceError(f"{self.getName()}: {type(self).__name__} cannot be moved")

    def rawIsBusy(self) -> bool:
        return False

    def externalToInternal(self, position: Any) -> Any:
        return position

    def internalToExternal(self, position: Any) -> Any:
        return position

    def getPosition(self) -> Any:
        return self.internalToExternal(self.rawGetPosition())

    def asynchronousMoveTo(self, position: Any) -> None:
        self._check_length(position)
        reason = self.checkPositionValid(position)
        if reason is not None:
            raise DeviceError(reason)
        self.rawAsynchronousMoveTo(self.externalToInternal(position))

    def moveTo(self, position: Any) -> None:
        self.asynchronousMoveTo(position)
        self.waitWhileBusy()

    def _check_length(self, position: Any) -> None:
        n = len(self.inputNames)
        if n >= 1:
            got = len(as_list(position))  # a list or array for one input is not one position
            if got != n:
                raise DeviceError(
                    f"{self.getName()}: position {position!r} has {got} values; "
                    f"expected {n} for inputs {list(self.inputNames)}"
                )

    def checkPositionValid(self, position: Any) -> str | None:
        """None when ``position`` is acceptable, else the reason it is not."""
        return None

    def isBusy(self) -> bool:
        return bool(self.rawIsBusy())

    def waitWhileBusy(self) -> None:
        """Wait until isBusy() is false. Devices that can signal their end override this with an
        event wait; this fallback polls with a short back-off (never GDA's 100 ms)."""
        delay = 20e-6
        while self.isBusy():
            time.sleep(delay)
            delay = min(delay * 2, 0.005)

    def stop(self) -> None:
        """Stop any motion; nothing to stop by default."""

    # scan hooks (no-ops the engine skips unless a subclass overrides them) ---------------------
    @default_hook
    def atScanStart(self) -> None: ...

    @default_hook
    def atScanEnd(self) -> None: ...

    @default_hook
    def atScanLineStart(self) -> None: ...

    @default_hook
    def atScanLineEnd(self) -> None: ...

    @default_hook
    def atPointStart(self) -> None: ...

    @default_hook
    def atPointEnd(self) -> None: ...

    @default_hook
    def atLevelStart(self) -> None: ...

    @default_hook
    def atLevelMoveStart(self) -> None: ...

    @default_hook
    def atLevelEnd(self) -> None: ...

    @default_hook
    def atCommandFailure(self) -> None: ...

    # Jython manners --------------------------------------------------------------------------
    def _field_names(self) -> list[str]:
        return [*self.inputNames, *self.extraNames]

    def _formatted_position(self) -> str:
        names = self._field_names()
        if not names:
            return "---"
        values = as_list(self.getPosition())
        formats = self.getOutputFormat()
        parts = [format_value(f, v) for f, v in zip(formats, values, strict=False)]
        if len(names) == 1 and names[0] in (self.getName(), "value"):
            return parts[0] if parts else "---"
        return " ".join(f"{n}: {p}" for n, p in zip(names, parts, strict=False))

    def toFormattedString(self) -> str:
        try:
            return f"{self.getName()} : {self._formatted_position()}"
        except Exception as exc:  # a repr must never raise
            return f"{self.getName()} : <unavailable: {exc}>"

    def __call__(self, *args: Any) -> Any:
        if not args:
            return self.getPosition()
        self.moveTo(args[0] if len(args) == 1 else list(args))
        return f"Move complete: {self.toFormattedString()}"

    def __len__(self) -> int:
        return len(self.inputNames)

    def __getitem__(self, index: int) -> Any:
        return as_list(self.getPosition())[index]

    def __str__(self) -> str:
        return _shown(self)

    def __repr__(self) -> str:
        return _shown(self)


def _shown(device: ScannableBase) -> str:
    """What print and the console show: a subclass's own ``toString()`` when it defines one (GDA's
    Jython printed toString), else the formatted position."""
    to_string = getattr(device, "toString", None)
    return str(to_string()) if callable(to_string) else device.toFormattedString()


def _per_field(value: Any, n: int) -> list[float | None] | None:
    if value is None:
        return None
    values = as_list(value)
    if len(values) == 1 and n > 1:
        values = values * n
    return [None if v is None else float(v) for v in values]


class ScannableMotionBase(ScannableBase):
    """GDA's ScannableMotionBase: limits, offset, scaling factor, tolerance, number of tries."""

    def _init_state(self) -> None:
        super()._init_state()
        self._lower: list[float | None] | None = None
        self._upper: list[float | None] | None = None
        self._offset: list[float] | None = None
        self._scaling: list[float] | None = None
        self._tolerances: list[float] | None = None
        self.numberTries = 1

    # limits ------------------------------------------------------------------------------------
    def getLowerGdaLimits(self) -> list[float | None] | None:
        return None if self._lower is None else list(self._lower)

    def setLowerGdaLimits(self, limits: Any) -> None:
        self._lower = _per_field(limits, len(self.inputNames))

    def getUpperGdaLimits(self) -> list[float | None] | None:
        return None if self._upper is None else list(self._upper)

    def setUpperGdaLimits(self, limits: Any) -> None:
        self._upper = _per_field(limits, len(self.inputNames))

    def getOffset(self) -> list[float] | None:
        return None if self._offset is None else list(self._offset)

    def setOffset(self, *offset: Any) -> None:
        value = offset[0] if len(offset) == 1 else list(offset)
        self._offset = _per_field(value, len(self.inputNames))

    def getScalingFactor(self) -> list[float] | None:
        return None if self._scaling is None else list(self._scaling)

    def setScalingFactor(self, *factor: Any) -> None:
        value = factor[0] if len(factor) == 1 else list(factor)
        self._scaling = _per_field(value, len(self.inputNames))

    def getTolerances(self) -> list[float] | None:
        return None if self._tolerances is None else list(self._tolerances)

    def setTolerances(self, tolerances: Any) -> None:
        self._tolerances = _per_field(tolerances, len(self.inputNames))

    setTolerance = setTolerances

    def getNumberTries(self) -> int:
        return int(self.numberTries)

    def setNumberTries(self, tries: int) -> None:
        self.numberTries = int(tries)

    # conversions -------------------------------------------------------------------------------
    def _map_inputs(self, position: Any, forward: bool) -> Any:
        if self._offset is None and self._scaling is None:
            return position
        single = not isinstance(position, (list, tuple))
        values = as_list(position)
        n = len(self.inputNames)
        out = list(values)
        for i in range(min(n, len(values))):
            v = values[i]
            if v is None:
                continue
            off = self._offset[i] if self._offset else 0.0
            scale = self._scaling[i] if self._scaling else 1.0
            out[i] = (v - off) / scale if forward else v * scale + off
        return out[0] if single else out

    def externalToInternal(self, position: Any) -> Any:
        return self._map_inputs(position, forward=True)

    def internalToExternal(self, position: Any) -> Any:
        return self._map_inputs(position, forward=False)

    def checkPositionValid(self, position: Any) -> str | None:
        """None when ``position`` is within the limits. Without limits any position is accepted
        (a string for a shutter...); with limits a field that is not a number is refused, as in
        GDA, which cannot check it."""
        if self._lower is None and self._upper is None:
            return None
        values = as_list(position)
        for i, v in enumerate(values[: len(self.inputNames)]):
            if v is None:
                continue
            try:
                value = float(v)
            except (TypeError, ValueError):
                return (
                    f"{self.getName()}: position {v!r} is not a number; it cannot be checked against the "
                    f"limits ({self._limits_text()})"
                )
            lo = self._lower[i] if self._lower else None
            hi = self._upper[i] if self._upper else None
            if (lo is not None and value < lo) or (hi is not None and value > hi):
                field = "" if len(self.inputNames) == 1 else f" ({self.inputNames[i]})"
                return (
                    f"{self.getName()}{field}: position {value:g} is outside the limits "
                    f"({format_limit(lo)}:{format_limit(hi)})"
                )
        return None

    def isAt(self, position: Any) -> bool:
        here = as_list(self.getPosition())
        target = as_list(position)
        for i, t in enumerate(target[: len(self.inputNames)]):
            if t is None:
                continue
            tol = self._tolerances[i] if self._tolerances else 0.0
            if abs(float(here[i]) - float(t)) > tol:
                return False
        return True

    # shortcuts ---------------------------------------------------------------------------------
    def a(self, position: Any) -> None:
        """Start an absolute move (GDA's a())."""
        self.asynchronousMoveTo(position)

    def r(self, delta: Any) -> None:
        """Relative move, waiting for it to finish (GDA's r())."""
        self.moveTo(self._relative(delta))

    def ar(self, delta: Any) -> None:
        """Start a relative move (GDA's ar())."""
        self.asynchronousMoveTo(self._relative(delta))

    def _relative(self, delta: Any) -> Any:
        here = as_list(self.getPosition())
        deltas = as_list(delta)
        moved = [float(h) + float(d) for h, d in zip(here, deltas, strict=False)]
        return moved[0] if len(moved) == 1 else moved

    def _limits_text(self) -> str:
        n = len(self.inputNames)
        lo = self._lower or [None] * n
        hi = self._upper or [None] * n
        return ", ".join(f"{format_limit(a)}:{format_limit(b)}" for a, b in zip(lo, hi, strict=False))

    def toFormattedString(self) -> str:
        text = super().toFormattedString()
        if self._lower is None and self._upper is None:
            return text
        return f"{text} ({self._limits_text()})"


class ScannableMotionUnitsBase(ScannableMotionBase):
    """GDA's ScannableMotionUnitsBase: a motion scannable with user and hardware units."""

    def _init_state(self) -> None:
        super()._init_state()
        self.hardwareUnitString: str | None = None

    def getHardwareUnitString(self) -> str | None:
        return self.hardwareUnitString or self.units

    def setHardwareUnitString(self, units: str) -> None:
        self.hardwareUnitString = units


class MonitorBase(ScannableBase):
    """A read-only scannable: scans read it and never move it."""

    is_monitor = True

    def getUnit(self) -> str | None:
        return self.units

    def asynchronousMoveTo(self, position: Any) -> None:
        raise DeviceError(f"{self.getName()} is read-only; it cannot be moved to {position!r}")
