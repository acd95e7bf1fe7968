"""GDA's software fly scan (gdascripts' FlyScannable): a step scan over a wrapper whose "move" to
point k waits until the real motor's readback has passed demand k, while the motor makes one
constant-speed move from before the first demand to beyond the end of the range.

The motor is anything with a scannable's methods plus :class:`FlyMotor` (EpicsMotor, SimMotor).
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

from gda_bridge.core.errors import DeviceError
from gda_bridge.devices.base import ScannableMotionBase, as_list

log = logging.getLogger("gda_bridge.devices.flying")

#: Seconds a point may take beyond distance / speed x 1.5 plus the acceleration time.
POINT_MARGIN = 2.0


def move_seconds(distance: float, speed: float | None, acceleration_s: float = 0.0) -> float:
    """How long a move of ``distance`` takes from rest to rest at ``speed`` with
    ``acceleration_s`` seconds from rest to full speed, as a motor record moves: a trapezoid
    (distance / speed + ACCL), or a triangle when the move is too short to reach the speed. No
    speed (None, 0, inf): instant."""
    distance = abs(float(distance))
    if not speed or not math.isfinite(speed) or speed <= 0 or distance == 0:
        return 0.0
    accel = max(0.0, float(acceleration_s))
    if accel > 0 and distance < speed * accel:  # never reaches the speed
        return 2.0 * math.sqrt(distance * accel / speed)
    return distance / speed + accel


@runtime_checkable
class FlyMotor(Protocol):
    """What a motor offers a software fly scan, beside its scannable methods."""

    def fly_speed(self) -> float:
        """The speed a move goes at now (VELO), in units per second."""

    def set_fly_speed(self, speed: float) -> None:
        """Set the speed of the next moves (VELO), done when this returns."""

    def max_speed(self) -> float | None:
        """The highest speed the motor takes (VMAX), None if it has none."""

    def acceleration_time(self) -> float:
        """Seconds the motor takes to reach its speed (ACCL)."""

    def fly_readback(self) -> float:
        """The latest readback, without a round trip to the hardware."""

    def wait_until_past(self, position: float, increasing: bool, timeout: float) -> bool:
        """Wait until the readback is at or beyond ``position`` in the direction of motion (True),
        or the motor stopped moving or ``timeout`` seconds passed first (False)."""


def _text(value: float) -> str:
    return f"{value:.6g}"


class FlyScannable(ScannableMotionBase):
    """Flies ``motor`` across ``demands`` (equally spaced, in order) at ``speed``.

    Named after the motor, with its input name and format, so the file has a step scan's layout:
    ``<motor>`` is the readback captured when each point was triggered, ``<motor>_set`` the
    demand. ``flyscan`` builds one; direct use: ``scan(FlyScannable(m, demands, speed), tuple(
    demands), det, t)``.
    """

    def __init__(self, motor: Any, demands: Sequence[float], speed: float, *,
                 end: float | None = None) -> None:
        name = str(motor.getName())
        super().__init__(name)
        if not isinstance(motor, FlyMotor):
            raise DeviceError(f"{name}: cannot fly: a {type(motor).__name__} has no fly speed (it needs "
                              "fly_speed, set_fly_speed, max_speed, acceleration_time, fly_readback, wait_until_past)")
        names = [str(n) for n in motor.getInputNames()]
        if len(names) != 1:
            raise DeviceError(f"{name}: cannot fly a scannable with {len(names)} inputs {names}; it needs one")
        if not demands:
            raise DeviceError(f"{name}: a fly scan needs at least one point")
        offset = motor.getOffset() if hasattr(motor, "getOffset") else None
        scaling = motor.getScalingFactor() if hasattr(motor, "getScalingFactor") else None
        if any(v not in (None, 0, 0.0) for v in offset or []) or any(v not in (None, 1, 1.0) for v in scaling or []):
            # the readback it watches and the speed it sets are the motor's own units
            raise DeviceError(f"{name}: cannot fly with an offset ({offset}) or scaling factor ({scaling}) set")
        self.motor = motor
        self.inputNames = names
        self.extraNames = []
        self.outputFormat = [str(motor.getOutputFormat()[0])]
        self.units = getattr(motor, "units", None)
        self.level = int(motor.getLevel())
        if hasattr(motor, "getLowerGdaLimits"):  # recorded in the file as a step scan's are
            self.setLowerGdaLimits(motor.getLowerGdaLimits())
            self.setUpperGdaLimits(motor.getUpperGdaLimits())
        self.demands = [float(d) for d in demands]
        self.speed = float(speed)
        self.step = abs(self.demands[1] - self.demands[0]) if len(self.demands) > 1 else None
        last = self.demands[-1] if end is None else float(end)
        self.increasing = last > self.demands[0] or (last == self.demands[0] and end is None)
        self.start, self.stop_at = self.demands[0], last
        accel = max(0.0, float(motor.acceleration_time()))
        run = accel * self.speed / 2.0
        sign = 1.0 if self.increasing else -1.0
        self.run_up = self.start - sign * run
        self.run_down = self.stop_at + sign * run
        self._saved_speed: float | None = None
        self._flying = False
        #: set by stop() (an abort, Ctrl-C or a failure, possibly from another thread): no point
        #: may start the fly again until the next line begins
        self._halted = False
        self._demand: float | None = None
        self._captured: float | None = None
        self._previous_trigger: float | None = None
        self.points = 0
        self.late = 0
        self._late_gaps: list[float] = []
        self._reason: str | None = None
        self._checked = False
        #: Log the late points' summary at the scan's end (the flyscan commands print it instead).
        self.warn_late = True

    # -- the estimate (gda_bridge.scans.estimate) -------------------------------------------------

    #: The detectors collect while the motor flies: their collection is inside the motion.
    collects_while_moving = True

    def estimate_motion_seconds(self, demands: Sequence[float], passes: int, seconds_per_point: float) -> float:
        """Every line's move to the run-up start at the motor's own speed (the first from where it
        is, the others from the last run-down end) and its fly to the run-down end."""
        own = getattr(self.motor, "estimate_move_seconds", None)
        if not callable(own):
            return 0.0
        try:
            here = float(self.motor.fly_readback())
        except Exception:  # an unreadable position: the first move is not counted
            here = self.run_up
        fly = own(self.run_down - self.run_up, self.speed)
        back = own(self.run_down - self.run_up)
        return own(self.run_up - here) + passes * fly + (passes - 1) * back

    # -- the plan, checked before anything moves --------------------------------------------------

    def problem(self) -> str | None:
        """Why the fly cannot run (limits of the run-up start or run-down end, the speed), or None."""
        if not self._checked:
            self._reason, self._checked = self._find_problem(), True
        return self._reason

    def _find_problem(self) -> str | None:
        name = self.getName()
        if not (self.speed > 0 and math.isfinite(self.speed)):
            return f"{name}: fly speed {_text(self.speed)} is not a positive finite number"
        top = self.motor.max_speed()
        if top is not None and self.speed > top * (1 + 1e-9):
            return f"{name}: fly speed {_text(self.speed)} is above the motor's maximum speed {_text(top)}"
        for what, where in (("run-up start", self.run_up), ("run-down end", self.run_down)):
            reason = self.motor.checkPositionValid(where)
            if reason is not None:
                return (f"{name}: the fly's {what} {_text(where)} (the range {_text(self.start)} to "
                        f"{_text(self.stop_at)} plus acceleration at {_text(self.speed)}/s) is refused: {reason}")
        return None

    def checkPositionValid(self, position: Any) -> str | None:
        values = as_list(position)
        if len(values) != 1:
            return f"{self.getName()}: a fly scan point is one number, not {position!r}"
        try:
            value = float(values[0])
        except (TypeError, ValueError):
            return f"{self.getName()}: fly scan point {values[0]!r} is not a number"
        if not self._is_demand(value):
            return f"{self.getName()}: {_text(value)} is not one of this fly scan's points"
        return self.problem()

    def _is_demand(self, value: float) -> bool:
        """One of the (equally spaced) demands? Found by its index, so a long scan stays cheap."""
        spacing = self.demands[1] - self.demands[0] if len(self.demands) > 1 else 1.0
        k = round((value - self.demands[0]) / spacing) if spacing else 0
        if not 0 <= k < len(self.demands):
            return False
        d = self.demands[k]
        return abs(value - d) <= 1e-9 * max(1.0, abs(d))

    # -- scan hooks -------------------------------------------------------------------------------

    def atScanStart(self) -> None:
        self.points = self.late = 0
        self._late_gaps = []
        self._saved_speed = float(self.motor.fly_speed())

    def atScanLineStart(self) -> None:
        """Go to the run-up start at the motor's own speed, then set the fly speed."""
        reason = self.problem()
        if reason is not None:
            raise DeviceError(reason)
        if self._saved_speed is None:
            self._saved_speed = float(self.motor.fly_speed())
        self._flying = False
        self._halted = False
        self._previous_trigger = None
        self.motor.moveTo(self.run_up)
        if not math.isclose(self.speed, self._saved_speed, rel_tol=1e-9):
            log.info("%s: speed %s -> %s for the fly", self.getName(), self._saved_speed, self.speed)
            self.motor.set_fly_speed(self.speed)

    def atScanLineEnd(self) -> None:
        """Let the motor finish its run-down (its own checks apply), then restore its speed."""
        try:
            if self._flying:
                self.motor.waitWhileBusy()
        finally:
            self._flying = False
            self._restore_speed()

    def atScanEnd(self) -> None:
        self._restore_speed()
        self._saved_speed = None
        summary = self.late_summary()
        if summary and self.warn_late:
            log.warning("%s", summary)

    def atCommandFailure(self) -> None:
        self._stop_motor()
        self._restore_speed()

    def stop(self) -> None:
        """Stop the motor and put its speed back (abort, Ctrl-C, a failure); the points still to
        come in this line then fail instead of sending the motor off again."""
        self._halted = True
        self._stop_motor()
        self._restore_speed()

    def _stop_motor(self) -> None:
        self._flying = False
        try:
            self.motor.stop()
        except Exception:
            log.warning("%s: stopping the motor failed", self.getName(), exc_info=True)
            raise

    def _restore_speed(self) -> None:
        saved = self._saved_speed
        if saved is None:
            return
        try:
            if float(self.motor.fly_speed()) != saved:
                self.motor.set_fly_speed(saved)
                log.info("%s: speed restored to %s", self.getName(), saved)
        except Exception:
            log.error("%s: could not restore the speed to %s", self.getName(), saved, exc_info=True)
            raise

    # -- the points -------------------------------------------------------------------------------

    def rawAsynchronousMoveTo(self, position: Any) -> None:
        demand = float(as_list(position)[0])
        if self._halted:
            raise DeviceError(f"{self.getName()}: the fly was stopped; point {_text(demand)} is not taken")
        self._demand, self._captured = demand, None
        if not self._flying:
            now = float(self.motor.fly_speed())
            if not math.isclose(now, self.speed, rel_tol=1e-6):  # e.g. the record clipped VELO
                raise DeviceError(f"{self.getName()}: the fly speed {_text(self.speed)} is not set "
                                  f"(the motor's speed is {_text(now)})")
            self.motor.asynchronousMoveTo(self.run_down)
            self._flying = True

    def _beyond(self, readback: float, demand: float) -> bool:
        return readback > demand if self.increasing else readback < demand

    def isBusy(self) -> bool:
        return self._demand is not None and self._captured is None

    def waitWhileBusy(self) -> None:
        """Wait until the readback has passed the demand; capture it; fail if the motor stopped or
        is too slow to get there."""
        demand = self._demand
        if demand is None or self._captured is not None:
            return
        now = time.monotonic()
        here = float(self.motor.fly_readback())
        if self._beyond(here, demand):
            if self._previous_trigger is not None:  # the first point of a line (no run-up) is not late
                self.late += 1
                self._late_gaps.append(now - self._previous_trigger)
            self._capture(here, now)
            return
        timeout = abs(demand - here) / self.speed * 1.5 + float(self.motor.acceleration_time()) + POINT_MARGIN
        if not self.motor.wait_until_past(demand, self.increasing, timeout):
            self._not_reached(demand, timeout)
        self._capture(float(self.motor.fly_readback()), time.monotonic())

    def _capture(self, readback: float, now: float) -> None:
        self._captured = readback
        self._previous_trigger = now
        self.points += 1

    def _not_reached(self, demand: float, timeout: float) -> None:
        name = self.getName()
        where = float(self.motor.fly_readback())
        busy = bool(self.motor.isBusy())
        self._flying = False
        if busy:
            self.motor.stop()
            raise DeviceError(f"{name}: fly scan point {_text(demand)} not reached: the motor is at {_text(where)}, "
                              f"still moving but not towards it at {_text(self.speed)}/s within {timeout:.3g} s; "
                              "it was stopped")
        why = "it stopped moving"
        try:
            self.motor.waitWhileBusy()
        except Exception as e:  # the motor's own reason (limit switch, stall, STOP pressed...)
            why = str(e)
        raise DeviceError(f"{name}: fly scan stopped at {_text(where)} before reaching the point "
                          f"{_text(demand)}: {why}")

    def rawGetPosition(self) -> float:
        if self._captured is not None:
            return self._captured
        return float(as_list(self.motor.getPosition())[0])

    def late_summary(self) -> str | None:
        """"12 of 100 points collected late: ..." or None if none was."""
        if not self.late:
            return None
        point_time = (self.step / self.speed) if self.step else None
        gap = max(self._late_gaps) if self._late_gaps else None
        detail = ""
        if point_time is not None and gap is not None:
            detail = (f": the detector's readout ({gap:.3g} s) is longer than the point time "
                      f"({point_time:.3g} s)")
        return f"{self.getName()}: {self.late} of {self.points} points collected late{detail}; " \
               "each records where the motor really was"
