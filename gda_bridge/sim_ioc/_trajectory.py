"""The exact path of one simulated move: a trapezoidal velocity profile (or a triangle when the
move is too short to reach VELO), as a motor record moves with ACCL seconds of acceleration.

Positions are dial positions; times are ``Scheduler.now()`` seconds. A trajectory that was halted
early is :meth:`Trajectory.cut` at the halt time and stays where it was then.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass
class Trajectory:
    """From ``start`` (at rest, time ``t0``) to ``target`` (at rest) at ``velocity`` with
    ``accel_time`` seconds from rest to ``velocity``; ``accel_time`` 0 is an instant start."""

    start: float
    target: float
    t0: float
    velocity: float
    accel_time: float = 0.0
    #: Halted here (absolute time): the position is frozen from then on.
    cut_at: float | None = None

    def __post_init__(self) -> None:
        distance = abs(self.target - self.start)
        v = self.velocity
        if distance == 0 or v <= 0 or math.isinf(v):
            self._ta, self._vpeak, self._cruise = 0.0, math.inf, 0.0
            self.duration = 0.0
            return
        ta = max(0.0, self.accel_time)
        if ta > 0 and distance < v * ta:  # never reaches VELO: a triangle
            accel = v / ta
            ta = math.sqrt(distance / accel)
            v = accel * ta
        self._ta, self._vpeak = ta, v
        self._cruise = distance / v - ta  # time at full speed (0 for a triangle)
        self.duration = 2 * ta + self._cruise

    @property
    def direction(self) -> int:
        """+1 moving towards higher dial positions, -1 lower, 0 not moving."""
        return (self.target > self.start) - (self.target < self.start)

    @property
    def end(self) -> float:
        """The time motion stops (the cut time for a halted move)."""
        natural = self.t0 + self.duration
        return natural if self.cut_at is None else min(natural, self.cut_at)

    def cut(self, when: float) -> None:
        """The motor halted at ``when``: it stays where the trajectory had it then."""
        self.cut_at = when if self.cut_at is None else min(self.cut_at, when)

    def _distance(self, dt: float) -> float:
        """Distance travelled ``dt`` seconds after t0 on the uncut profile."""
        if self.duration == 0:
            return abs(self.target - self.start) if dt >= 0 else 0.0
        ta, v = self._ta, self._vpeak
        dt = min(max(dt, 0.0), self.duration)
        if ta == 0:
            return v * dt
        half = 0.5 * v * ta  # distance of the acceleration ramp
        if dt <= ta:
            return 0.5 * v / ta * dt * dt
        if dt <= ta + self._cruise:
            return half + v * (dt - ta)
        rest = self.duration - dt
        return 2 * half + v * self._cruise - 0.5 * v / ta * rest * rest

    def position(self, when: float) -> float:
        """Dial position at absolute time ``when`` (start before t0, target or the halt after)."""
        if self.cut_at is not None:
            when = min(when, self.cut_at)
        return self.start + self.direction * self._distance(when - self.t0)

    def time_at(self, position: float) -> float | None:
        """The time the motor passes ``position`` (None if this move never gets there)."""
        sign = self.direction
        if sign == 0:
            return None
        d = (position - self.start) * sign
        total = abs(self.target - self.start)
        if d < 0 or d > total:
            return None
        if self.duration == 0:
            t = self.t0
        else:
            ta, v = self._ta, self._vpeak
            half = 0.5 * v * ta
            if ta > 0 and d <= half:
                t = self.t0 + math.sqrt(2 * d * ta / v)
            elif d <= half + v * self._cruise:
                t = self.t0 + ta + (d - half) / v
            else:
                t = self.t0 + self.duration - math.sqrt(max(0.0, 2 * (total - d) * ta / v))
        if self.cut_at is not None and t > self.cut_at:
            return None
        return t


    def positions(self, when: np.ndarray) -> np.ndarray:
        """:meth:`position` at each of ``when`` (the same arithmetic, vectorised)."""
        when = np.asarray(when, dtype=float)
        if self.cut_at is not None:
            when = np.minimum(when, self.cut_at)
        dt = when - self.t0
        if self.duration == 0:
            distance = np.where(dt >= 0, abs(self.target - self.start), 0.0)
        else:
            ta, v = self._ta, self._vpeak
            dt = np.minimum(np.maximum(dt, 0.0), self.duration)
            if ta == 0:
                distance = v * dt
            else:
                half = 0.5 * v * ta
                rest = self.duration - dt
                distance = np.where(dt <= ta, 0.5 * v / ta * dt * dt,
                                    np.where(dt <= ta + self._cruise, half + v * (dt - ta),
                                             2 * half + v * self._cruise - 0.5 * v / ta * rest * rest))
        return self.start + self.direction * distance

    def times_at(self, positions: np.ndarray) -> np.ndarray:
        """:meth:`time_at` of each of ``positions`` (the same arithmetic, vectorised; NaN for None)."""
        positions = np.asarray(positions, dtype=float)
        sign = self.direction
        if sign == 0:
            return np.full(positions.shape, np.nan)
        d = (positions - self.start) * sign
        total = abs(self.target - self.start)
        ok = (d >= 0) & (d <= total)
        if self.duration == 0:
            t = np.full(positions.shape, self.t0)
        else:
            ta, v = self._ta, self._vpeak
            half = 0.5 * v * ta
            with np.errstate(invalid="ignore"):
                t_accel = self.t0 + np.sqrt(2 * d * ta / v)
                t_decel = self.t0 + self.duration - np.sqrt(np.maximum(0.0, 2 * (total - d) * ta / v))
            t = np.where(d <= half + v * self._cruise, self.t0 + ta + (d - half) / v, t_decel)
            if ta > 0:
                t = np.where(d <= half, t_accel, t)
        if self.cut_at is not None:
            ok &= ~(t > self.cut_at)
        return np.where(ok, t, np.nan)


@dataclass
class UserMotion:
    """One segment of a motor's motion seen in user coordinates (user = sign * dial + offset)."""

    trajectory: Trajectory
    sign: int
    offset: float

    @property
    def direction(self) -> int:
        """+1 moving towards higher user positions, -1 lower, 0 not moving."""
        return self.trajectory.direction * self.sign

    def crossing_time(self, position: float, direction: int) -> float | None:
        """When this motion passes user ``position`` moving in ``direction`` (None if it does not)."""
        if direction != self.direction:
            return None
        return self.trajectory.time_at((position - self.offset) * self.sign)

    def crossing_times(self, positions: np.ndarray, direction: int) -> np.ndarray:
        """:meth:`crossing_time` of each of ``positions`` (NaN where it does not pass)."""
        positions = np.asarray(positions, dtype=float)
        if direction != self.direction:
            return np.full(positions.shape, np.nan)
        return self.trajectory.times_at((positions - self.offset) * self.sign)
