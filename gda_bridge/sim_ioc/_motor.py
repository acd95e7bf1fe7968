"""A simulated EPICS motor record: motion in real time at VELO, put-callback on VAL ends with the move.

What it does follows the motor record's documentation (motorRecord.dbd, motorRecord.cc):

* user = DIR * dial + OFF; HLM/LLM are user limits derived from the dial limits DHLM/DLLM;
  DHLM == DLLM == 0 means no soft limits (equal non-zero limits allow that one position);
* a put to VAL (or DVAL, RVAL, RLV, TWF/TWR) inside the limits sets DMOV=0 and moves at VELO,
  accelerating over ACCL seconds (a trapezoid; a triangle if the move is too short; BVEL, VBAS
  ignored; ACCL 0 starts and stops at once); its put-callback completes when DMOV is back at 1.
  A retarget halts and starts the new move from rest there; Outside the limits: LVIO=1, VAL keeps its
  old value and nothing moves. A plain put during a move retargets it;
* STOP=1 (or SPMG set to Stop) halts the motion and cancels the move: VAL becomes RBV, DMOV=1;
* SPMG Pause halts the motion but keeps the target (DMOV stays 0, the put-callback waits);
  Go resumes it; Move allows one move and then sets SPMG to Pause; puts made while in Stop or
  Pause are held until Go or Move;
* hardware limit switches at fixed dial positions stop the motion there: HLS/LLS (user sense),
  RHLS/RLLS (raw), MSTA's PLUS_LS/MINUS_LS bits, STAT=HWLIMIT with severity HLSV.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ._fields import Field, Pending, double, enum, integer, short, string
from ._scheduler import Scheduler, Timer
from ._trajectory import Trajectory, UserMotion

log = logging.getLogger("gda_bridge.sim_ioc.motor")

#: How often RBV is posted while moving (Hz); the final position is always posted.
UPDATE_RATE_HZ = 50.0
#: Moves shorter than this end on the next loop turn, with no readback in between (VELO huge).
INSTANT_MOVE_S = 5e-4

#: MSTA bits (0-based), as the motor record documents them.
MSTA_DIRECTION, MSTA_DONE, MSTA_PLUS_LS, MSTA_MOVING, MSTA_MINUS_LS = 0, 1, 2, 10, 13
SEVERITIES = ("NO_ALARM", "MINOR", "MAJOR", "INVALID")
#: The first 16 alarm states of menuAlarmStat (a CA enum carries at most 16).
ALARM_STATES = ("NO_ALARM", "READ", "WRITE", "HIHI", "HIGH", "LOLO", "LOW", "STATE", "COS", "COMM",
                "TIMEOUT", "HWLIMIT", "CALC", "SCAN", "LINK", "SOFT")


@dataclass
class MotorConfig:
    """Initial settings of one simulated motor (user coordinates, OFF = 0, DIR = Pos)."""

    name: str
    position: float = 0.0
    velocity: float = 1.0
    #: ACCL (s); 0 (the default) is an instant start and stop, which keeps moves short.
    acceleration: float = 0.0
    low_limit: float = -10.0
    high_limit: float = 10.0
    #: Hardware limit switches sit this far beyond the soft limits (in dial coordinates) ...
    switch_margin: float = 1.0
    #: ... unless placed here (dial positions).
    low_switch: float | None = None
    high_switch: float | None = None
    deadband: float = 1e-4
    #: Every move ends this far short of its target (a motor that cannot settle): MISS=1 if it
    #: is more than RDBD and RTRY > 0 (the record retried and gave up), else just RBV off target.
    shortfall: float = 0.0
    resolution: float = 1e-5
    units: str = "mm"
    precision: int = 4
    description: str = ""

    def switches(self) -> tuple[float, float]:
        """(low, high) dial positions of the limit switches."""
        low = self.low_limit - self.switch_margin if self.low_switch is None else self.low_switch
        high = self.high_limit + self.switch_margin if self.high_switch is None else self.high_switch
        return low, high


class SimMotor:
    """One motor record; ``fields`` serves it as ``{prefix}{name}`` and ``{prefix}{name}.FIELD``."""

    def __init__(self, config: MotorConfig, scheduler: Scheduler) -> None:
        c = config
        self.config = c
        self._scheduler = scheduler
        self._dial = c.position
        self._switch_low, self._switch_high = c.switches()
        #: Fires when the requested move is over (DMOV back at 1); None while DMOV is 1.
        self._moving: Pending | None = None
        self._target = c.position  # dial target of the requested move
        self._tick: Timer | None = None
        #: The current segment of motion, in dial coordinates; lets STOP find the position.
        self._trajectory: Trajectory | None = None
        #: Recent segments, for the position at a past time (a multi-channel scaler's bins).
        self._history: deque[Trajectory] = deque(maxlen=256)
        self._listeners: list[Callable[[], None]] = []

        fmt = {"precision": c.precision, "units": c.units}
        steps = round(c.position / c.resolution)
        self.val = double(c.position, "setpoint (user); a put completes when the move ends",
                          check=self._check_val, action=self._on_val, **fmt)
        self.dval = double(c.position, "setpoint (dial); a put moves like VAL", check=self._check_dval,
                           action=self._on_dval, **fmt)
        self.rval = integer(steps, "setpoint (raw steps = dial / MRES); a put moves like VAL",
                            check=lambda v: self._check_dval(v * self.mres.value), action=self._on_rval)
        self.rlv = double(0.0, "relative move: a put moves VAL by this much", check=self._check_rlv,
                          action=self._on_rlv, **fmt)
        self.rbv = double(c.position, "readback (user)", **fmt)
        self.drbv = double(c.position, "readback (dial)", **fmt)
        self.rrbv = integer(steps, "readback (raw steps)")
        self.diff = double(0.0, "DVAL - DRBV", **fmt)
        self.dmov = short(1, "done moving (1 = idle); 0 from a put to VAL until the move is over")
        self.movn = short(0, "moving (1 = the motor is in motion)")
        self.msta = double(1 << MSTA_DONE, "motor status bits (DBF_ULONG, served as DOUBLE)")
        self.stop = short(0, "1 halts the motion and cancels the move (VAL becomes RBV)", action=self._on_stop)
        self.spmg = enum("Go", ("Stop", "Pause", "Move", "Go"),
                         "Stop cancels, Pause holds the move, Go resumes it, Move allows one move",
                         check=self._remember_spmg, action=self._on_spmg)
        self.lspg = enum("Go", ("Stop", "Pause", "Move", "Go"), "last SPMG")
        self.velo = double(c.velocity, "velocity (EGU/s)", **fmt)
        self.vbas = double(0.0, "base velocity (served only)", **fmt)
        self.vmax = double(0.0, "maximum velocity (served only; 0 = none)", **fmt)
        self.accl = double(c.acceleration, "acceleration time (s) from rest to VELO", precision=3)
        self.bdst = double(0.0, "backlash distance (served only)", **fmt)
        self.hvel = double(c.velocity, "home velocity (served only)", **fmt)
        self.jvel = double(c.velocity, "jog velocity (served only)", **fmt)
        self.dhlm = double(c.high_limit, "high soft limit (dial)", action=self._on_dial_limit, **fmt)
        self.dllm = double(c.low_limit, "low soft limit (dial)", action=self._on_dial_limit, **fmt)
        self.hlm = double(c.high_limit, "high soft limit (user); DHLM = DLLM = 0: no limits",
                          action=self._on_high_limit, **fmt)
        self.llm = double(c.low_limit, "low soft limit (user)", action=self._on_low_limit, **fmt)
        self.hls = short(0, "at the high limit switch (user sense)")
        self.lls = short(0, "at the low limit switch (user sense)")
        self.rhls = short(0, "at the raw high limit switch")
        self.rlls = short(0, "at the raw low limit switch")
        self.hlsv = enum("MAJOR", SEVERITIES, "alarm severity at a limit switch")
        self.lvio = short(0, "1 when the last target was outside the soft limits")
        self.miss = short(0, "1 when the move ended outside RDBD after all retries (MotorConfig.shortfall)")
        self.rdbd = double(c.deadband, "retry deadband (position tolerance)", **fmt)
        self.rcnt = short(0, "retry count")
        self.rtry = short(10, "maximum retry count")
        self.egu = string(c.units, "engineering units")
        self.prec = short(c.precision, "display precision")
        self.desc = string(c.description or f"simulated motor {c.name}", "description")
        self.rtyp = string("motor", "record type")
        self.sevr = enum("NO_ALARM", SEVERITIES, "alarm severity")
        self.stat = enum("NO_ALARM", ALARM_STATES, "alarm status (HWLIMIT at a limit switch)")
        self.off = double(0.0, "user offset (user = DIR * dial + OFF)", action=self._on_coordinates, **fmt)
        self.set_ = enum("Use", ("Use", "Set"), "Set: a put to VAL redefines the position (changes OFF), no motion")
        self.dir = enum("Pos", ("Pos", "Neg"), "user direction", action=self._on_coordinates)
        self.foff = enum("Variable", ("Variable", "Frozen"), "offset freeze switch (served only)")
        self.cnen = enum("Enable", ("Disable", "Enable"), "torque enable (served only)")
        self.ueip = enum("No", ("No", "Yes"), "use encoder if present (served only)")
        self.tdir = short(0, "direction of last move (1 = positive, user sense)")
        self.cdir = short(0, "raw commanded direction (1 = positive)")
        self.athm = short(0, "at home (served only)")
        self.homf = short(0, "home forward (served only)")
        self.homr = short(0, "home reverse (served only)")
        self.jogf = short(0, "jog forward (served only)")
        self.jogr = short(0, "jog reverse (served only)")
        self.twv = double(1.0, "tweak step", **fmt)
        self.twf = short(0, "1 moves VAL+TWV", action=self._on_tweak_forward)
        self.twr = short(0, "1 moves VAL-TWV", action=self._on_tweak_reverse)
        self.mres = double(c.resolution, "motor resolution (EGU per step)", precision=6)
        self.eres = double(c.resolution, "encoder resolution (served only)", precision=6)
        self.urev = double(1.0, "EGU per revolution (served only)", **fmt)
        self.srev = integer(200, "steps per revolution (served only)")
        self._post_status()

    _NAMES = ("VAL", "DVAL", "RVAL", "RLV", "RBV", "DRBV", "RRBV", "DIFF", "DMOV", "MOVN", "MSTA", "STOP",
              "SPMG", "LSPG", "VELO", "VBAS", "VMAX", "ACCL", "BDST", "HVEL", "JVEL", "DHLM", "DLLM", "HLM",
              "LLM", "HLS", "LLS", "RHLS", "RLLS", "HLSV", "LVIO", "MISS", "RDBD", "RCNT", "RTRY", "EGU",
              "PREC", "DESC", "RTYP", "SEVR", "STAT", "OFF", "SET", "DIR", "FOFF", "CNEN", "UEIP", "TDIR",
              "CDIR", "ATHM", "HOMF", "HOMR", "JOGF", "JOGR", "TWV", "TWF", "TWR", "MRES", "ERES", "UREV",
              "SREV")

    def fields(self, prefix: str) -> dict[str, Field]:
        """The record's PVs: ``{prefix}{name}`` is VAL, fields are ``{prefix}{name}.FIELD``."""
        base = f"{prefix}{self.config.name}"
        pvs: dict[str, Field] = {base: self.val}
        for name in self._NAMES:
            pvs[f"{base}.{name}"] = getattr(self, "set_" if name == "SET" else name.lower())
        return pvs

    # -- coordinates ------------------------------------------------------------------------------

    @property
    def _sign(self) -> int:
        return -1 if self.dir.value == "Neg" else 1

    @property
    def _offset(self) -> float:
        return self.off.value

    def _user(self, dial: float) -> float:
        return self._sign * dial + self._offset

    def _to_dial(self, user: float) -> float:
        return (user - self._offset) * self._sign

    @property
    def position(self) -> float:
        """The user position now (interpolated during a move)."""
        return self._user(self._dial_now())

    def _dial_now(self) -> float:
        if self._tick is None or self._trajectory is None:
            return self._dial
        return self._trajectory.position(self._scheduler.now())

    # -- the exact motion, for position-compare and multi-channel scalers ---------------------------

    def add_motion_listener(self, listener: Callable[[], None]) -> None:
        """``listener()`` is called whenever a segment of motion starts (a move, a retarget, a
        resume) or is halted; :meth:`motion` then has the new segment."""
        self._listeners.append(listener)

    def _notify(self) -> None:
        for listener in list(self._listeners):
            listener()

    def motion(self) -> UserMotion | None:
        """The segment of motion under way in user coordinates (None when still). A halt cuts it in
        place, so a holder sees no crossing after the halt."""
        if self._trajectory is None or self._tick is None:
            return None
        return UserMotion(self._trajectory, self._sign, self._offset)

    def position_at(self, when: float) -> float:
        """The user position at ``when`` (a time at or before now, within the last segments)."""
        for traj in reversed(self._history):
            if traj.t0 <= when:
                if when >= traj.end and traj is self._history[-1] and self._tick is None:
                    return self._user(self._dial)
                return self._user(traj.position(when))
        return self._user(self._history[0].start if self._history else self._dial)

    def positions_at(self, when: np.ndarray) -> np.ndarray:
        """:meth:`position_at` of each of ``when`` (vectorised, segment by segment)."""
        when = np.asarray(when, dtype=float)
        out = np.full(when.shape, self._user(self._history[0].start if self._history else self._dial))
        todo = np.ones(when.shape, dtype=bool)
        for traj in reversed(self._history):
            mask = todo & (when >= traj.t0)
            dial = traj.positions(when[mask])
            if traj is self._history[-1] and self._tick is None:
                dial = np.where(when[mask] >= traj.end, self._dial, dial)
            out[mask] = self._sign * dial + self._offset
            todo &= ~mask
            if not todo.any():
                break
        return out

    # -- soft limits ------------------------------------------------------------------------------

    def _in_soft_limits(self, dial: float) -> bool:
        lo, hi = self.dllm.value, self.dhlm.value
        return lo == hi == 0 or lo <= dial <= hi

    def _check_dval(self, dial: float) -> bool:
        if self.set_.value == "Set":
            return True
        violation = not self._in_soft_limits(dial)
        if violation:
            log.info("%s: dial target %s refused, outside soft limits (%s:%s)", self.config.name, dial,
                     self.dllm.value, self.dhlm.value)
        if self.lvio.value != int(violation):
            self.lvio.set(int(violation))
        return not violation

    def _check_val(self, value: float) -> bool:
        return self._check_dval(self._to_dial(value))

    def _check_rlv(self, value: float) -> bool:
        return self._check_val(self.val.value + value)

    def _post_user_limits(self) -> None:
        hi, lo = self.dhlm.value, self.dllm.value
        user = sorted((self._user(lo), self._user(hi)))
        self.llm.set(user[0])
        self.hlm.set(user[1])

    def _on_dial_limit(self, value: float) -> None:
        self._post_user_limits()

    def _on_high_limit(self, value: float) -> None:
        (self.dhlm if self._sign > 0 else self.dllm).set(self._to_dial(value))
        self._post_user_limits()

    def _on_low_limit(self, value: float) -> None:
        (self.dllm if self._sign > 0 else self.dhlm).set(self._to_dial(value))
        self._post_user_limits()

    def _on_coordinates(self, value: object) -> None:
        """OFF or DIR changed: RBV, VAL and the user limits follow (dial values stay)."""
        self._post_user_limits()
        self.val.set(self._user(self._target if self._moving else self._dial))
        self._post_position(self._dial_now())

    # -- requests ---------------------------------------------------------------------------------

    def _on_val(self, value: float) -> Pending | None:
        if self.set_.value == "Set":
            self._redefine(value)
            return None
        return self._request(self._to_dial(value))

    def _on_dval(self, value: float) -> Pending | None:
        if self.set_.value == "Set":
            self._dial = value
            self._post_position(value)
            self.val.set(self._user(value))
            return None
        return self._request(value)

    def _on_rval(self, value: int) -> Pending | None:
        return self._on_dval(value * self.mres.value)

    def _on_rlv(self, value: float) -> Pending | None:
        self.rlv.set(0.0)
        return self._request(self._to_dial(self.val.value + value))

    def _request(self, target_dial: float) -> Pending:
        """A new target: DMOV=0 now; motion starts at once unless SPMG is Stop or Pause."""
        self._target = target_dial
        self._post_target(target_dial)
        if self.miss.value:
            self.miss.set(0)
        if self._moving is None:
            self._moving = Pending()
            self.dmov.set(0)
        if self.spmg.value in ("Go", "Move"):
            self._go()
        self._post_status()
        return self._moving

    def _go(self) -> None:
        """Move from where the motor is towards the target, up to the limit switch on the way."""
        if self._tick is not None:  # retarget: halt the current segment without ending the move
            self._dial = self._dial_now()
            self._cut_trajectory()
            self._cancel_tick()
        target = self._target
        if self.config.shortfall and target != self._dial:
            target -= self.config.shortfall if target > self._dial else -self.config.shortfall
        clamped = min(max(target, self._switch_low), self._switch_high)
        if clamped != self._dial:
            raw_direction = int(clamped > self._dial)
            for f, value in ((self.cdir, raw_direction), (self.tdir, raw_direction if self._sign > 0 else 1 - raw_direction)):
                if f.value != value:
                    f.set(value)
        traj = Trajectory(self._dial, clamped, self._scheduler.now(), self.velo.value, self.accl.value)
        if traj.duration < INSTANT_MOVE_S:
            # Ends on the next loop turn, as a record's move ends in a later processing: the
            # server sends DMOV=0 first (a monitor queue may otherwise merge 0 and 1 into 1).
            traj = Trajectory(self._dial, clamped, traj.t0, 0.0)
            self._trajectory = traj
            self._history.append(traj)
            self._tick = self._scheduler.call_soon(self._on_tick)
            self._notify()
            return
        self._trajectory = traj
        self._history.append(traj)
        self.movn.set(1)
        self._schedule_tick()
        self._notify()

    def _schedule_tick(self) -> None:
        assert self._trajectory is not None
        when = min(self._trajectory.end, self._scheduler.now() + 1.0 / UPDATE_RATE_HZ)
        self._tick = self._scheduler.call_at(when, self._on_tick)

    def _on_tick(self) -> None:
        assert self._trajectory is not None
        if self._scheduler.now() < self._trajectory.end:
            self._post_position(self._dial_now())
            self._schedule_tick()
            return
        self._tick = None
        self._dial = self._trajectory.target
        missed = abs(self._target - self._dial) > self.rdbd.value and self.rtry.value > 0
        if missed and self._switch_low < self._dial < self._switch_high:
            self.miss.set(1)
        self._finish()

    def _cut_trajectory(self) -> None:
        if self._trajectory is not None:
            self._trajectory.cut(self._scheduler.now())

    def _cancel_tick(self) -> None:
        tick, self._tick = self._tick, None
        if tick is not None:
            tick.cancel()

    def _halt_motion(self) -> None:
        """Stop moving where the motor is now (the move itself is not over)."""
        if self._tick is None:
            return
        self._dial = self._dial_now()
        self._cut_trajectory()
        self._cancel_tick()
        self._notify()
        self._post_position(self._dial)
        if self.movn.value:
            self.movn.set(0)
        log.info("%s: halted at %s", self.config.name, self.rbv.value)

    def _finish(self) -> None:
        """The move is over: final position, switches, status, MOVN=0, DMOV=1, then release waiters."""
        self._post_position(self._dial)
        if self.movn.value:
            self.movn.set(0)
        self._post_status()
        moving, self._moving = self._moving, None
        self.dmov.set(1)
        if self.spmg.value == "Move":
            self._set_spmg("Pause")
        if moving is not None:
            moving.fire()

    def _cancel(self) -> None:
        """STOP or SPMG Stop: halt, and the move ends where the motor is (VAL becomes RBV)."""
        self._halt_motion()
        if self._moving is None:
            return
        self._target = self._dial
        self._post_target(self._dial)
        self._finish()
        log.info("%s: stopped at %s", self.config.name, self.rbv.value)

    def halt(self) -> None:
        """Stop where the motor is now; VAL becomes the stopped position, as the motor record does."""
        self._cancel()

    def _on_stop(self, value: int) -> None:
        if value:
            self._cancel()
            self.stop.set(0)

    def _set_spmg(self, value: str) -> None:
        self.lspg.set(self.spmg.value)
        self.spmg.set(value)

    def _remember_spmg(self, value: str) -> bool:
        self.lspg.set(self.spmg.value)
        return True

    def _on_spmg(self, value: str) -> None:
        if value == "Stop":
            self._cancel()
        elif value == "Pause":
            self._halt_motion()
            self._post_status()
        elif self._moving is not None and self._tick is None:
            self._go()  # Go or Move resumes the held move

    # -- posting ----------------------------------------------------------------------------------

    def _post_target(self, dial: float) -> None:
        """VAL, DVAL and RVAL for a dial target (each posted only if it changed)."""
        for f, value in ((self.val, self._user(dial)), (self.dval, dial), (self.rval, round(dial / self.mres.value))):
            if f.value != value:
                f.set(value)

    def _post_position(self, dial: float) -> None:
        self.drbv.set(dial)
        self.rbv.set(self._user(dial))
        self.rrbv.set(round(dial / self.mres.value))
        self.diff.set(self._target - dial)

    def _post_status(self) -> None:
        """Limit switches, MSTA and the alarm fields, from the state now (posted only if changed)."""
        raw_high, raw_low = int(self._dial >= self._switch_high), int(self._dial <= self._switch_low)
        user_high, user_low = (raw_high, raw_low) if self._sign > 0 else (raw_low, raw_high)
        moving = bool(self.movn.value)
        msta = ((self.cdir.value << MSTA_DIRECTION) | (int(not moving) << MSTA_DONE)
                | (raw_high << MSTA_PLUS_LS) | (int(moving) << MSTA_MOVING) | (raw_low << MSTA_MINUS_LS))
        at_switch = raw_high or raw_low
        for f, value in ((self.rhls, raw_high), (self.rlls, raw_low), (self.hls, user_high),
                         (self.lls, user_low), (self.msta, float(msta)),
                         (self.stat, "HWLIMIT" if at_switch else "NO_ALARM"),
                         (self.sevr, self.hlsv.value if at_switch else "NO_ALARM")):
            if f.value != value:
                f.set(value)

    # -- tweak and SET ----------------------------------------------------------------------------

    def _on_tweak_forward(self, value: int) -> Pending | None:
        self.twf.set(0)
        return self._tweak(value, +1)

    def _on_tweak_reverse(self, value: int) -> Pending | None:
        self.twr.set(0)
        return self._tweak(value, -1)

    def _tweak(self, value: int, sign: int) -> Pending | None:
        target = self.val.value + sign * self.twv.value
        if value and self._check_val(target):
            return self._request(self._to_dial(target))
        return None

    def _redefine(self, user_position: float) -> None:
        """SET mode: make the current dial position read ``user_position`` by changing OFF."""
        self.off.set(user_position - self._sign * self._dial)
        self._on_coordinates(self.off.value)
