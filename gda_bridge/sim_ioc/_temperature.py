"""A simulated temperature controller whose readback rings around a new setpoint and settles.

After a put to ``SP`` the readback ``T`` follows an underdamped response: it starts where it was
and oscillates around the setpoint, ``T = SP + (T0 - SP) exp(-t/DECAY) cos(2 pi t/PERIOD)``,
posted every ``tick`` seconds until the swing is below a millionth of the step, then it is SP.
It crosses the setpoint early, long before it stays near it: the case a settle rule is for.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ._fields import Field, double
from ._scheduler import Scheduler, Timer


@dataclass
class TemperatureConfig:
    name: str = "tc1"
    setpoint: float = 300.0
    #: Damping time constant of the swing (s).
    decay: float = 0.3
    #: Oscillation period (s).
    period: float = 0.4
    #: Seconds between readback updates while it moves.
    tick: float = 0.02


class SimTemperatureController:
    """``{name}:SP`` setpoint (K), ``{name}:T`` readback, ``{name}:DECAY`` and ``{name}:PERIOD``."""

    def __init__(self, config: TemperatureConfig, scheduler: Scheduler) -> None:
        self.config = config
        self._scheduler = scheduler
        self._timer: Timer | None = None
        self._start = self._t0 = 0.0
        self.setpoint = double(config.setpoint, "setpoint; the readback rings around it and settles",
                               precision=3, units="K", action=self._on_setpoint)
        self.setpoint_rbv = double(config.setpoint, "setpoint readback", precision=3, units="K")
        self.readback = double(config.setpoint, "temperature readback", precision=3, units="K")
        self.decay = double(config.decay, "damping time constant of the swing (s)", precision=3, units="s")
        self.period = double(config.period, "oscillation period of the swing (s)", precision=3, units="s")

    def fields(self, prefix: str) -> dict[str, Field]:
        p = f"{prefix}{self.config.name}:"
        return {f"{p}SP": self.setpoint, f"{p}SP_RBV": self.setpoint_rbv, f"{p}T": self.readback,
                f"{p}DECAY": self.decay, f"{p}PERIOD": self.period}

    def _on_setpoint(self, value: float) -> None:
        self.setpoint_rbv.set(value)
        self._start, self._t0 = self.readback.value, self._scheduler.now()
        if self._timer is not None:
            self._timer.cancel()
        self._advance()

    def _advance(self) -> None:
        target = self.setpoint.value
        t = self._scheduler.now() - self._t0
        swing = (self._start - target) * math.exp(-t / max(self.decay.value, 1e-6))
        if abs(swing) <= 1e-6 * max(abs(self._start - target), 1e-12):
            self.readback.set(target)
            self._timer = None
            return
        self.readback.set(target + swing * math.cos(2 * math.pi * t / max(self.period.value, 1e-6)))
        self._timer = self._scheduler.call_later(self.config.tick, self._advance)
