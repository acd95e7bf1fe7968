"""A simulated EPICS motor record: motion in real time at VELO, put-callback on VAL ends with the move."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from ._fields import Field, Pending, double, enum, integer, string
from ._scheduler import Scheduler, Timer

log = logging.getLogger("gda_bridge.sim_ioc.motor")

#: How often RBV is posted while moving (Hz); the final position is always posted.
UPDATE_RATE_HZ = 50.0
#: Moves shorter than this complete at once, without a timer (VELO huge: near-instant moves).
INSTANT_MOVE_S = 5e-4


@dataclass
class MotorConfig:
    """Initial settings of one simulated motor (user coordinates)."""

    name: str
    position: float = 0.0
    velocity: float = 1.0
    acceleration: float = 0.1
    low_limit: float = -10.0
    high_limit: float = 10.0
    #: Hardware limit switches sit this far beyond the soft limits (in dial coordinates).
    switch_margin: float = 1.0
    deadband: float = 1e-4
    units: str = "mm"
    precision: int = 4
    description: str = ""


class SimMotor:
    """One motor record. User position = dial position + OFF (DIR is always Pos).

    A put to VAL inside HLM/LLM sets DMOV=0 and MOVN=1 before anything else, moves at VELO
    (ACCL is served but the profile is linear), and completes when DMOV is back at 1. A put
    outside the limits sets LVIO=1 and completes at once with no motion, as the motor record
    does. STOP (or SPMG=Stop/Pause) halts the motion where it is. A plain put to VAL during a
    move retargets it; a put-callback waits for the move in progress first, as the record does.
    """

    def __init__(self, config: MotorConfig, scheduler: Scheduler) -> None:
        c = config
        self.config = c
        self._scheduler = scheduler
        self._dial = c.position
        self._offset = 0.0
        #: Fires when the motor stops; None while idle.
        self._moving: Pending | None = None
        self._tick: Timer | None = None
        # The current segment of motion, in dial coordinates; lets STOP find the position.
        self._seg_start = self._seg_target = c.position
        self._seg_t0 = 0.0
        self._seg_duration = 0.0
        self._switch_low = c.low_limit - c.switch_margin
        self._switch_high = c.high_limit + c.switch_margin

        fmt = {"precision": c.precision, "units": c.units}
        self.val = double(c.position, "setpoint (user); a put completes when the move ends",
                          check=self._check_target, action=self._on_val, **fmt)
        self.rbv = double(c.position, "readback (user)", **fmt)
        self.drbv = double(c.position, "readback (dial)", **fmt)
        self.dmov = integer(1, "done moving (1 = idle)")
        self.movn = integer(0, "moving (1 = moving)")
        self.stop = integer(0, "1 halts the motion", action=self._on_stop)
        self.spmg = enum("Go", ("Stop", "Pause", "Move", "Go"), "Stop/Pause halt; Move/Go allow motion",
                         action=self._on_spmg)
        self.velo = double(c.velocity, "velocity (units/s)", **fmt)
        self.accl = double(c.acceleration, "acceleration time (s); served only", precision=3)
        self.hlm = double(c.high_limit, "high soft limit (user)", **fmt)
        self.llm = double(c.low_limit, "low soft limit (user)", **fmt)
        self.hls = integer(0, "at high limit switch")
        self.lls = integer(0, "at low limit switch")
        self.lvio = integer(0, "1 when the last VAL was outside the soft limits")
        self.rdbd = double(c.deadband, "retry deadband (position tolerance)", **fmt)
        self.egu = string(c.units, "engineering units")
        self.prec = integer(c.precision, "display precision")
        self.desc = string(c.description or f"simulated motor {c.name}", "description")
        self.off = double(0.0, "user offset (user = dial + OFF)", action=self._on_offset, **fmt)
        self.set_ = enum("Use", ("Use", "Set"), "Set: a put to VAL redefines the position (changes OFF), no motion")
        self.dir = enum("Pos", ("Pos", "Neg"), "user direction (only Pos simulated)")
        self.foff = enum("Variable", ("Variable", "Frozen"), "offset freeze switch")
        self.tdir = integer(0, "direction of last move (1 = positive)")
        self.homf = integer(0, "home forward (served only)")
        self.homr = integer(0, "home reverse (served only)")
        self.twv = double(1.0, "tweak step", **fmt)
        self.twf = integer(0, "1 moves VAL+TWV", action=self._on_tweak_forward)
        self.twr = integer(0, "1 moves VAL-TWV", action=self._on_tweak_reverse)
        self.mres = double(1e-5, "motor resolution", precision=6)

    def fields(self, prefix: str) -> dict[str, Field]:
        """The record's PVs: ``{prefix}{name}`` is VAL, fields are ``{prefix}{name}.FIELD``."""
        base = f"{prefix}{self.config.name}"
        fields = {
            "VAL": self.val, "RBV": self.rbv, "DRBV": self.drbv, "DMOV": self.dmov, "MOVN": self.movn,
            "STOP": self.stop, "SPMG": self.spmg, "VELO": self.velo, "ACCL": self.accl,
            "HLM": self.hlm, "LLM": self.llm, "HLS": self.hls, "LLS": self.lls, "LVIO": self.lvio,
            "RDBD": self.rdbd, "EGU": self.egu, "PREC": self.prec, "DESC": self.desc, "OFF": self.off,
            "SET": self.set_, "DIR": self.dir, "FOFF": self.foff, "TDIR": self.tdir,
            "HOMF": self.homf, "HOMR": self.homr, "TWV": self.twv, "TWF": self.twf, "TWR": self.twr,
            "MRES": self.mres,
        }
        pvs: dict[str, Field] = {base: self.val}
        pvs.update({f"{base}.{field}": ch for field, ch in fields.items()})
        return pvs

    @property
    def position(self) -> float:
        """The user position now (interpolated during a move)."""
        return self._dial_now() + self._offset

    def _dial_now(self) -> float:
        if self._tick is None or self._seg_duration <= 0:
            return self._dial
        frac = min(1.0, (self._scheduler.now() - self._seg_t0) / self._seg_duration)
        return self._seg_start + (self._seg_target - self._seg_start) * frac

    def _check_target(self, value: float) -> bool:
        if self.set_.value == "Set":
            return True
        if self.spmg.value == "Stop":
            return False
        lo, hi = self.llm.value, self.hlm.value
        violation = lo != hi and not lo <= value <= hi
        if violation:
            log.info("%s: VAL %s refused, outside soft limits (%s:%s)", self.config.name, value, lo, hi)
        if self.lvio.value != int(violation):
            self.lvio.set(int(violation))
        return not violation

    def _on_val(self, value: float) -> Pending | None:
        if self.set_.value == "Set":
            self._redefine(value)
            return None
        if self.spmg.value == "Pause":
            return None
        self._start_move(value - self._offset)
        return self._moving

    def _start_move(self, target_dial: float) -> None:
        if self._moving is not None:
            # Retarget: halt the current segment without declaring the move done.
            self._dial = self._dial_now()
            self._cancel_tick()
        else:
            self._moving = Pending()
            self.dmov.set(0)
            self.movn.set(1)
        clamped = min(max(target_dial, self._switch_low), self._switch_high)
        direction = int(clamped > self._dial)
        if self.tdir.value != direction:
            self.tdir.set(direction)
        velocity = self.velo.value
        distance = abs(clamped - self._dial)
        duration = distance / velocity if velocity > 0 else 0.0
        if duration < INSTANT_MOVE_S:
            self._dial = clamped
            self._finish()
            return
        self._seg_start, self._seg_target, self._seg_duration = self._dial, clamped, duration
        self._seg_t0 = self._scheduler.now()
        self._schedule_tick()

    def _schedule_tick(self) -> None:
        end = self._seg_t0 + self._seg_duration
        when = min(end, self._scheduler.now() + 1.0 / UPDATE_RATE_HZ)
        self._tick = self._scheduler.call_at(when, self._on_tick)

    def _on_tick(self) -> None:
        if self._scheduler.now() < self._seg_t0 + self._seg_duration:
            self._post_position(self._dial_now())
            self._schedule_tick()
            return
        self._tick = None
        self._dial = self._seg_target
        self._finish()

    def _cancel_tick(self) -> None:
        tick, self._tick = self._tick, None
        if tick is not None:
            tick.cancel()

    def _post_position(self, dial: float) -> None:
        self.drbv.set(dial)
        self.rbv.set(dial + self._offset)

    def _finish(self) -> None:
        """Post the final position, the limit switches, MOVN=0 and DMOV=1, then release waiters."""
        self._post_position(self._dial)
        at_high, at_low = int(self._dial >= self._switch_high), int(self._dial <= self._switch_low)
        if self.hls.value != at_high:
            self.hls.set(at_high)
        if self.lls.value != at_low:
            self.lls.set(at_low)
        self.movn.set(0)
        self.dmov.set(1)
        moving, self._moving = self._moving, None
        if moving is not None:
            moving.fire()

    def halt(self) -> None:
        """Stop where the motor is now; VAL becomes the stopped position, as the motor record does."""
        if self._tick is None:
            return
        self._dial = self._dial_now()
        self._cancel_tick()
        self.val.set(self._dial + self._offset)
        self._finish()
        log.info("%s: stopped at %s", self.config.name, self.rbv.value)

    def _on_stop(self, value: int) -> None:
        if value:
            self.halt()
            self.stop.set(0)

    def _on_spmg(self, value: str) -> None:
        if value in ("Stop", "Pause"):
            self.halt()

    def _on_tweak_forward(self, value: int) -> Pending | None:
        self.twf.set(0)
        return self._tweak(value, +1)

    def _on_tweak_reverse(self, value: int) -> Pending | None:
        self.twr.set(0)
        return self._tweak(value, -1)

    def _tweak(self, value: int, sign: int) -> Pending | None:
        target = self.val.value + sign * self.twv.value
        if value and self._check_target(target):
            self.val.set(target)
            return self._on_val(target)
        return None

    def _redefine(self, user_position: float) -> None:
        """SET mode: make the current dial position read ``user_position`` by changing OFF."""
        self.off.set(user_position - self._dial)
        self._apply_offset(user_position - self._dial)

    def _on_offset(self, value: float) -> None:
        self._apply_offset(value)

    def _apply_offset(self, offset: float) -> None:
        """Shift user coordinates: RBV, VAL and the user limits follow OFF (dial limits stay)."""
        delta, self._offset = offset - self._offset, offset
        self.hlm.set(self.hlm.value + delta)
        self.llm.set(self.llm.value + delta)
        self.val.set(self._dial + offset)
        self.rbv.set(self._dial + offset)
