"""A motor and the position-compare box that follows its encoder, as one continuous line.

``cvscan`` makes one per motor (``PositionCompareBox.line(motor)``): the Java engine's
continuous-line mode arms it, starts it and reads its bins back (gda.device.ContinuousLine).
A line of n points at ``d_k = start + k * step`` fires n + 1 pulses, at d_0 .. d_n: bin k runs
from pulse k to pulse k + 1, so the detectors' frame k is the step that starts at d_k, and the
position recorded for it is the encoder's capture at pulse k. The motor flies at
``|step| / exposure`` (capped at VMAX, with a warning), from a run-up of ACCL x v / 2 before d_0
to as far beyond d_n; VELO is restored at every ending (done, stopped, failed).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from gda_bridge.core.errors import DeviceError
from gda_bridge.devices.base import ScannableBase

from ._position_compare import EpicsPositionCompare

log = logging.getLogger("gda_bridge.epics")

#: Seconds the box has, once the motion ended, to report its last pulse.
LAST_PULSE_S = 2.0


@dataclass(frozen=True)
class LinePlan:
    """Where and how fast one line moves."""

    speed: float
    requested_speed: float
    run_up_start: float
    run_down_end: float
    step: float


def plan_line(name: str, demands: Sequence[float], seconds_per_bin: float, max_speed: float | None,
              acceleration_s: float) -> LinePlan:
    """The speed, run-up and run-down of a line; a DeviceError for a line that cannot be flown."""
    if len(demands) < 2:
        raise DeviceError(f"{name}: a continuous line needs at least 2 points, got {len(demands)}")
    if seconds_per_bin <= 0:
        raise DeviceError(f"{name}: the time per point must be > 0, not {seconds_per_bin:g}")
    step = float(demands[1]) - float(demands[0])
    requested = abs(step) / seconds_per_bin
    speed = requested if max_speed is None or max_speed <= 0 else min(requested, max_speed)
    run = acceleration_s * speed / 2 + abs(step) / 2
    direction = 1.0 if step > 0 else -1.0
    last_pulse = float(demands[-1]) + step
    return LinePlan(speed, requested, float(demands[0]) - direction * run, last_pulse + direction * run, step)


class PositionCompareLine(ScannableBase):
    """``motor`` flown through a line while ``box`` fires a trigger at each demand."""

    def __init__(self, motor: Any, box: Any) -> None:
        name = str(motor.getName())
        super().__init__(name)
        self.motor = motor
        self.box = box
        self.inputNames = [str(n) for n in motor.getInputNames()]
        self.extraNames = []
        self.outputFormat = [str(motor.getOutputFormat()[0])]
        self.units = getattr(motor, "units", None)
        self.level = int(motor.getLevel())
        self._plan: LinePlan | None = None
        self._demands: list[float] = []
        self._saved_speed: float | None = None
        self._stopped = threading.Event()

    # -- before the scan ----------------------------------------------------------------------

    def _plan_for(self, demands: Sequence[float], seconds_per_bin: float) -> LinePlan:
        return plan_line(self.name, demands, seconds_per_bin, self.motor.max_speed(),
                         self.motor.acceleration_time())

    def checkLineValid(self, demands: Sequence[float], seconds_per_bin: float) -> str | None:
        try:
            plan = self._plan_for(demands, seconds_per_bin)
        except DeviceError as exc:
            return str(exc)
        first, last = float(demands[0]), float(demands[-1]) + plan.step
        for where, position, trigger in (("run-up start", plan.run_up_start, f"before the first trigger at {first:.6g}"),
                                         ("run-down end", plan.run_down_end, f"beyond the last trigger at {last:.6g}")):
            reason = self.motor.checkPositionValid(position)
            if reason:
                return (f"{self.name}: the {where} {position:.6g} ({trigger}, to reach {plan.speed:.6g}/s in "
                        f"ACCL {self.motor.acceleration_time():.6g} s) cannot be reached: {reason}")
        if plan.speed < plan.requested_speed:
            log.warning("%s: %.6g/s is needed for %.6g s per point; the motor's maximum speed (VMAX) is "
                        "%.6g/s, so each point takes %.6g s", self.name, plan.requested_speed, seconds_per_bin,
                        plan.speed, abs(plan.step) / plan.speed)
        self._plan = plan
        return None

    def checkPositionValid(self, position: Any) -> str | None:
        return self.motor.checkPositionValid(position)

    #: The detectors are triggered by positions during the motion: their collection is inside it.
    collects_while_moving = True

    def estimate_motion_seconds(self, demands: Sequence[float], passes: int, seconds_per_point: float) -> float:
        """Every line's move to its run-up start at the motor's own speed (the first from where it
        is, the others from the last run-down end), and its fly from the run-up start to the
        run-down end at the line's speed, accelerating over ACCL at each end."""
        own = getattr(self.motor, "estimate_move_seconds", None)
        if not callable(own) or len(demands) < 2 or seconds_per_point <= 0:
            return 0.0
        plan = self._plan_for([float(d) for d in demands], seconds_per_point)
        try:
            here = float(self.motor.fly_readback())
        except Exception:  # an unreadable position: the first move is not counted
            here = plan.run_up_start
        run = plan.run_down_end - plan.run_up_start
        return own(plan.run_up_start - here) + passes * own(run, plan.speed) + (passes - 1) * own(run)

    # -- one line -------------------------------------------------------------------------------

    def prepareLine(self, demands: Sequence[float], seconds_per_bin: float) -> None:
        self._demands = [float(d) for d in demands]
        self._plan = plan = self._plan_for(self._demands, seconds_per_bin)
        self._stopped.clear()
        self._restore_speed()
        self.motor.moveTo(plan.run_up_start)
        self._saved_speed = self.motor.fly_speed()
        self.motor.set_fly_speed(plan.speed)
        self.box.configure_line(start=self._demands[0], step=plan.step, n_points=len(self._demands) + 1)
        self.box.arm()

    def startLine(self) -> None:
        assert self._plan is not None
        if self._stopped.is_set():  # an abort's stop (another thread) came during the preparation
            raise DeviceError(f"{self.name}: the line was stopped before it started")
        self.motor.asynchronousMoveTo(self._plan.run_down_end)

    def _bins(self) -> int:
        return max(0, min(len(self._demands), self.box.num_captured() - 1))

    def waitForBins(self, wanted: int) -> int:
        assert self._plan is not None
        try:
            self.motor.waitWhileBusy()
            self.box.wait_done(LAST_PULSE_S)
        except DeviceError:
            if self._stopped.is_set():
                return self._bins()
            raise
        got = self._bins()
        if got < wanted and not self._stopped.is_set():
            raise DeviceError(f"{self.name}: the motion ended with {got} of {wanted} bins triggered by "
                              f"{self.box.name} (pulses at {self._demands[0]:.6g} + k x {self._plan.step:.6g})")
        return got

    def getBinsCaptured(self) -> int:
        return self._bins()

    def readBins(self, start: int, end: int) -> list[float]:
        positions, _ = self.box.captured()
        return [float(p) for p in positions[start:end]]

    def completeLine(self) -> None:
        try:
            if self.box.armed:
                self.box.disarm()
        finally:
            self._restore_speed()

    def _restore_speed(self) -> None:
        saved, self._saved_speed = self._saved_speed, None
        if saved is not None:
            self.motor.set_fly_speed(saved)

    def stop(self) -> None:
        """Stop the motion now (any thread); the bins captured stay readable; VELO restored."""
        self._stopped.set()
        try:
            self.motor.stop()
        finally:
            try:
                self.box.disarm()
            finally:
                self._restore_speed()

    def atCommandFailure(self) -> None:
        self._restore_speed()

    # -- as a scannable ------------------------------------------------------------------------

    def rawGetPosition(self) -> Any:
        return self.motor.getPosition()

    def rawAsynchronousMoveTo(self, position: Any) -> None:
        raise DeviceError(f"{self.name}: a continuous line is not stepped; scan the motor itself")

    def isBusy(self) -> bool:
        return bool(self.motor.isBusy())


class PositionCompareBox(EpicsPositionCompare):
    """The box as a beamline device (driver ``epics_position_compare``): it follows ``motor``'s
    encoder, so ``cvscan motor ...`` finds it as ``motor.position_compare`` and flies a
    :class:`PositionCompareLine` of the two."""

    def __init__(self, name: str, prefix: str, *, motor: Any, encoder: int = 1, **options: Any) -> None:
        super().__init__(name, prefix, encoder=encoder, **options)
        self.motor = motor
        motor.position_compare = self

    def line(self, motor: Any) -> PositionCompareLine:
        if motor is not self.motor:
            raise DeviceError(f"{self.name}: follows {self.motor.getName()}, not {motor.getName()}")
        return PositionCompareLine(motor, self)
