"""GDA's ScannableMotor: a motion scannable driving a Motor (e.g. the Java core's DummyMotor)."""

from __future__ import annotations

from typing import Any

from gda_bridge.bridge import java_errors
from gda_bridge.core.errors import DeviceError
from gda_bridge.devices.base import ScannableMotionUnitsBase, as_list


class ScannableMotor(ScannableMotionUnitsBase):
    """``m = ScannableMotor(); m.setName("m"); m.setMotor(DummyMotor()); m.configure()``.

    One input named after the scannable; moves and reads go to the motor (in its units, after the
    offset and scaling of ScannableMotionBase); busy while the motor's status is BUSY. A motor may
    be any object with GDA's Motor methods (moveTo, getPosition, getStatus, stop).
    """

    def __init__(self, name: str | None = None, motor: Any = None) -> None:
        super().__init__()
        if name is not None:
            self.setName(name)
        if motor is not None:
            self.setMotor(motor)

    def _init_state(self) -> None:
        super()._init_state()
        self.motor: Any = None

    def setName(self, name: str) -> None:
        follows = self.inputNames in (["value"], [self.name])
        super().setName(name)
        if follows:
            self.inputNames = [self.name]

    def setMotor(self, motor: Any) -> None:
        self.motor = motor

    def getMotor(self) -> Any:
        return self.motor

    def configure(self) -> None:
        """Check there is a motor; name the input after the scannable, as GDA does."""
        self._need_motor()
        if self.inputNames in (["value"], []) and self.name is not None:
            self.inputNames = [self.name]
        if self.units is None:
            with java_errors():
                self.units = str(self.motor.getUnitString()) if hasattr(self.motor, "getUnitString") else None

    def _need_motor(self) -> Any:
        if self.motor is None:
            raise DeviceError(f"{self.getName()}: ScannableMotor has no motor (call setMotor first)")
        return self.motor

    def rawAsynchronousMoveTo(self, position: Any) -> None:
        values = as_list(position)
        if len(values) != 1 or values[0] is None:
            raise DeviceError(f"{self.getName()}: a motor takes one number, not {position!r}")
        try:
            target = float(values[0])
        except (TypeError, ValueError):
            raise DeviceError(f"{self.getName()}: position {values[0]!r} is not a number") from None
        with java_errors():
            self._need_motor().moveTo(target)

    def rawGetPosition(self) -> float:
        with java_errors():
            return float(self._need_motor().getPosition())

    def isBusy(self) -> bool:
        with java_errors():
            return str(self._need_motor().getStatus()) == "BUSY"

    def stop(self) -> None:
        with java_errors():
            self._need_motor().stop()

    def getSpeed(self) -> float:
        with java_errors():
            return float(self._need_motor().getSpeed())

    def setSpeed(self, speed: float) -> None:
        with java_errors():
            self._need_motor().setSpeed(float(speed))
