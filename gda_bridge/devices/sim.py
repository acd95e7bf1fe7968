"""Simulated devices for demos and tests: they take real time, as hardware does."""

from __future__ import annotations

import math
import threading
import time
from typing import Any

import numpy as np

from gda_bridge.devices.base import ScannableBase, ScannableMotionBase, as_list
from gda_bridge.devices.detector import DetectorBase
from gda_bridge.devices.flying import move_seconds
from gda_bridge.devices.waiting import wait_for


class SimMotor(ScannableMotionBase):
    """A motor that moves at ``speed`` units/s (None or inf: instantly), stoppable mid-move.

    For fly scans (:mod:`gda_bridge.devices.flying`): ``max_speed`` (None: no maximum) and
    ``acceleration`` (seconds to reach speed, used for the run-up; the simulated motion itself is
    at constant speed from the start).
    """

    def __init__(
        self,
        name: str,
        speed: float | None = None,
        limits: tuple[float | None, float | None] | None = None,
        position: float = 0.0,
        units: str | None = None,
        output_format: str = "%.4f",
        max_speed: float | None = None,
        acceleration: float = 0.0,
    ) -> None:
        super().__init__(name)
        self.inputNames = [name]
        self.max_speed_value = max_speed
        self.acceleration = float(acceleration)
        self.outputFormat = [output_format]
        self.units = units
        self.speed = speed
        self._start = self._target = float(position)
        if limits is not None:
            self.setLowerGdaLimits(limits[0])
            self.setUpperGdaLimits(limits[1])

    def _init_state(self) -> None:
        super()._init_state()
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._done.set()
        self._t0 = 0.0
        self._duration = 0.0
        self._timer: threading.Timer | None = None

    def _now_position(self) -> float:
        if self._done.is_set() or self._duration <= 0:
            return self._target
        frac = min(1.0, (time.monotonic() - self._t0) / self._duration)
        return self._start + (self._target - self._start) * frac

    def rawGetPosition(self) -> float:
        with self._lock:
            return self._now_position()

    def rawAsynchronousMoveTo(self, position: Any) -> None:
        target = float(as_list(position)[0])
        with self._lock:
            start = self._now_position()
            if self._timer is not None:
                self._timer.cancel()
            self._start, self._target = start, target
            speed = self.speed
            duration = 0.0 if not speed or math.isinf(speed) else abs(target - start) / speed
            self._duration = duration
            if duration <= 0:
                self._done.set()
                return
            self._done.clear()
            self._t0 = time.monotonic()
            self._timer = threading.Timer(duration, self._done.set)
            self._timer.daemon = True
            self._timer.start()

    def isBusy(self) -> bool:
        return not self._done.is_set()

    def waitWhileBusy(self) -> None:
        wait_for(self._done)

    def stop(self) -> None:
        with self._lock:
            here = self._now_position()
            if self._timer is not None:
                self._timer.cancel()
            self._start = self._target = here
            self._duration = 0.0
            self._done.set()

    # -- the fly-scan protocol (gda_bridge.devices.flying.FlyMotor) ------------------------------

    def estimate_move_seconds(self, distance: float, speed: float | None = None) -> float:
        """A move's time at ``speed`` (default: its own): the simulated motion is at constant speed
        from the start, whatever its ``acceleration``."""
        return move_seconds(distance, self.speed if speed is None else speed)

    def fly_speed(self) -> float:
        return math.inf if self.speed is None else float(self.speed)

    def set_fly_speed(self, speed: float) -> None:
        self.speed = None if math.isinf(speed) else float(speed)

    def max_speed(self) -> float | None:
        return None if self.max_speed_value is None else float(self.max_speed_value)

    def acceleration_time(self) -> float:
        return self.acceleration

    def fly_readback(self) -> float:
        return self.rawGetPosition()

    def wait_until_past(self, position: float, increasing: bool, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                here = self._now_position()
                if here >= position if increasing else here <= position:
                    return True
                moving = not self._done.is_set() and self._duration > 0
                heading = (self._target > here) == increasing and self._target != here
                if not moving or not heading:
                    return False
                fraction = (position - self._start) / (self._target - self._start)
                due = self._t0 + self._duration * min(1.0, fraction)
            now = time.monotonic()
            if now >= deadline:
                return False
            # wakes at the time the motion passes the position, or at once when it is stopped
            wait_for(self._done, max(0.0, min(due, deadline) - now) + 1e-4)


class GaussianCounter(DetectorBase):
    """Counts a Gaussian of a scannable's position plus noise; collecting takes the collection
    time in real time (0: instant)."""

    def __init__(
        self,
        name: str,
        motor: Any,
        centre: float = 0.0,
        fwhm: float = 1.0,
        peak: float = 1000.0,
        noise: float = 0.0,
        background: float = 0.0,
        seed: int | None = None,
        output_format: str = "%.2f",
    ) -> None:
        super().__init__(name)
        self.outputFormat = [output_format]
        self.motor = motor
        self.centre, self.fwhm, self.peak = float(centre), float(fwhm), float(peak)
        self.noise, self.background = float(noise), float(background)
        self._rng = np.random.default_rng(seed)

    def _init_state(self) -> None:
        super()._init_state()
        self._done = threading.Event()
        self._done.set()
        self._timer: threading.Timer | None = None
        self._value = 0.0

    def counts_at(self, x: float) -> float:
        """The noiseless signal at ``x``."""
        return self.background + self.peak * math.exp(-4 * math.log(2) * ((x - self.centre) / self.fwhm) ** 2)

    def collectData(self) -> None:
        x = float(as_list(self.motor.getPosition())[0])
        value = self.counts_at(x)
        if self.noise:
            value *= 1.0 + self.noise * float(self._rng.standard_normal())
        self._value = value
        if self.collectionTime > 0:
            self._done.clear()
            self._timer = threading.Timer(self.collectionTime, self._done.set)
            self._timer.daemon = True
            self._timer.start()

    def getStatus(self) -> int:
        return self.IDLE if self._done.is_set() else self.BUSY

    def waitWhileBusy(self) -> None:
        wait_for(self._done)

    def readout(self) -> float:
        return self._value

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._done.set()


class SoftCounter(DetectorBase):
    """An instant counter returning a constant: the cheapest possible detector, for benchmarks."""

    def __init__(self, name: str, value: float = 1.0) -> None:
        super().__init__(name)
        self.value = float(value)

    def readout(self) -> float:
        return self.value


class SimMultiField(ScannableMotionBase):
    """Two inputs and one extra field (their sum): a multi-field device that moves instantly."""

    def __init__(self, name: str, inputs: tuple[str, str] = ("a", "b"), extra: str = "total") -> None:
        super().__init__(name)
        self.inputNames = list(inputs)
        self.extraNames = [extra]
        self.outputFormat = ["%.3f"]
        self._values = [0.0, 0.0]

    def rawGetPosition(self) -> list[float]:
        return [*self._values, sum(self._values)]

    def rawAsynchronousMoveTo(self, position: Any) -> None:
        for i, v in enumerate(as_list(position)[:2]):
            if v is not None:
                self._values[i] = float(v)


class SimZeroField(ScannableBase):
    """A device with no fields that only acts in scan hooks (like a fast shutter), counting them."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.inputNames = []
        self.extraNames = []
        self.outputFormat = []
        self.calls: list[str] = []

    def rawGetPosition(self) -> None:
        return None

    def rawAsynchronousMoveTo(self, position: Any) -> None:
        return None

    def atScanStart(self) -> None:
        self.calls.append("atScanStart")

    def atScanEnd(self) -> None:
        self.calls.append("atScanEnd")
