"""A simulated EPICS motor record: motion in real time at VELO, put-callback on VAL ends with the move."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass

from ._channels import Double, Enum, Integer, String

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
    does. STOP (or SPMG=Stop/Pause) halts the motion where it is; a new VAL during a move
    retargets it and every pending put completes when the motor stops.
    """

    def __init__(self, config: MotorConfig) -> None:
        c = config
        self.config = c
        self._dial = c.position
        self._offset = 0.0
        self._idle = asyncio.Event()
        self._idle.set()
        self._task: asyncio.Task[None] | None = None
        # The current segment of motion, in dial coordinates; lets STOP find the position.
        self._seg_start = self._seg_target = c.position
        self._seg_t0 = 0.0
        self._seg_duration = 0.0
        self._switch_low = c.low_limit - c.switch_margin
        self._switch_high = c.high_limit + c.switch_margin

        fmt = {"precision": c.precision, "units": c.units}
        self.val = Double(value=c.position, check=self._check_target, action=self._on_val,
                          doc="setpoint (user); a put completes when the move ends", **fmt)
        self.rbv = Double(value=c.position, doc="readback (user)", **fmt)
        self.drbv = Double(value=c.position, doc="readback (dial)", **fmt)
        self.dmov = Integer(value=1, doc="done moving (1 = idle)")
        self.movn = Integer(value=0, doc="moving (1 = moving)")
        self.stop = Integer(value=0, action=self._on_stop, doc="1 halts the motion")
        self.spmg = Enum(value="Go", enum_strings=("Stop", "Pause", "Move", "Go"),
                         action=self._on_spmg, doc="Stop/Pause halt; Move/Go allow motion")
        self.velo = Double(value=c.velocity, doc="velocity (units/s)", **fmt)
        self.accl = Double(value=c.acceleration, doc="acceleration time (s); served only", precision=3)
        self.hlm = Double(value=c.high_limit, doc="high soft limit (user)", **fmt)
        self.llm = Double(value=c.low_limit, doc="low soft limit (user)", **fmt)
        self.hls = Integer(value=0, doc="at high limit switch")
        self.lls = Integer(value=0, doc="at low limit switch")
        self.lvio = Integer(value=0, doc="1 when the last VAL was outside the soft limits")
        self.rdbd = Double(value=c.deadband, doc="retry deadband (position tolerance)", **fmt)
        self.egu = String(value=c.units, doc="engineering units")
        self.prec = Integer(value=c.precision, doc="display precision")
        self.desc = String(value=c.description or f"simulated motor {c.name}", doc="description")
        self.off = Double(value=0.0, action=self._on_offset, doc="user offset (user = dial + OFF)", **fmt)
        self.set_ = Enum(value="Use", enum_strings=("Use", "Set"),
                         doc="Set: a put to VAL redefines the position (changes OFF), no motion")
        self.dir = Enum(value="Pos", enum_strings=("Pos", "Neg"), doc="user direction (only Pos simulated)")
        self.foff = Enum(value="Variable", enum_strings=("Variable", "Frozen"), doc="offset freeze switch")
        self.tdir = Integer(value=0, doc="direction of last move (1 = positive)")
        self.homf = Integer(value=0, doc="home forward (served only)")
        self.homr = Integer(value=0, doc="home reverse (served only)")
        self.twv = Double(value=1.0, doc="tweak step", **fmt)
        self.twf = Integer(value=0, action=self._on_tweak_forward, doc="1 moves VAL+TWV")
        self.twr = Integer(value=0, action=self._on_tweak_reverse, doc="1 moves VAL-TWV")
        self.mres = Double(value=1e-5, doc="motor resolution", precision=6)

    def channels(self, prefix: str) -> dict[str, object]:
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
        pvs: dict[str, object] = {base: self.val}
        pvs.update({f"{base}.{field}": ch for field, ch in fields.items()})
        return pvs

    @property
    def position(self) -> float:
        """The user position now (interpolated during a move)."""
        return self._dial_now() + self._offset

    def _dial_now(self) -> float:
        if self._task is None or self._seg_duration <= 0:
            return self._dial
        frac = min(1.0, (asyncio.get_running_loop().time() - self._seg_t0) / self._seg_duration)
        return self._seg_start + (self._seg_target - self._seg_start) * frac

    async def _check_target(self, value: float) -> bool:
        if self.set_.value == "Set":
            return True
        if self.spmg.value == "Stop":
            return False
        lo, hi = self.llm.value, self.hlm.value
        violation = lo != hi and not lo <= value <= hi
        if violation:
            log.info("%s: VAL %s refused, outside soft limits (%s:%s)", self.config.name, value, lo, hi)
        if self.lvio.value != int(violation):
            await self.lvio.set(int(violation))
        return not violation

    async def _on_val(self, value: float) -> None:
        if self.set_.value == "Set":
            await self._redefine(value)
            return
        if self.spmg.value == "Pause":
            return
        await self._start_move(value - self._offset)
        await self._idle.wait()

    async def _start_move(self, target_dial: float) -> None:
        if self._task is not None:
            # Retarget: halt the current segment without declaring the move done.
            self._dial = self._dial_now()
            await self._cancel_task()
        else:
            self._idle.clear()
            await self.dmov.set(0)
            await self.movn.set(1)
        clamped = min(max(target_dial, self._switch_low), self._switch_high)
        direction = int(clamped > self._dial)
        if self.tdir.value != direction:
            await self.tdir.set(direction)
        velocity = self.velo.value
        distance = abs(clamped - self._dial)
        duration = distance / velocity if velocity > 0 else 0.0
        if duration < INSTANT_MOVE_S:
            self._dial = clamped
            await self._finish()
            return
        self._seg_start, self._seg_target, self._seg_duration = self._dial, clamped, duration
        self._seg_t0 = asyncio.get_running_loop().time()
        self._task = asyncio.create_task(self._motion())

    async def _motion(self) -> None:
        loop = asyncio.get_running_loop()
        tick = 1.0 / UPDATE_RATE_HZ
        while True:
            remaining = self._seg_t0 + self._seg_duration - loop.time()
            if remaining <= 0:
                break
            await asyncio.sleep(min(tick, remaining))
            if loop.time() < self._seg_t0 + self._seg_duration:
                await self._post_position(self._dial_now())
        self._task = None
        self._dial = self._seg_target
        await self._finish()

    async def _post_position(self, dial: float) -> None:
        await self.drbv.set(dial)
        await self.rbv.set(dial + self._offset)

    async def _finish(self) -> None:
        """Post the final position, the limit switches, MOVN=0 and DMOV=1, then release waiters."""
        await self._post_position(self._dial)
        at_high, at_low = int(self._dial >= self._switch_high), int(self._dial <= self._switch_low)
        if self.hls.value != at_high:
            await self.hls.set(at_high)
        if self.lls.value != at_low:
            await self.lls.set(at_low)
        await self.movn.set(0)
        await self.dmov.set(1)
        self._idle.set()

    async def _cancel_task(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def halt(self) -> None:
        """Stop where the motor is now; VAL becomes the stopped position, as the motor record does."""
        if self._task is None:
            return
        self._dial = self._dial_now()
        await self._cancel_task()
        await self.val.set(self._dial + self._offset)
        await self._finish()
        log.info("%s: stopped at %s", self.config.name, self.rbv.value)

    async def _on_stop(self, value: int) -> None:
        if value:
            await self.halt()
            await self.stop.set(0)

    async def _on_spmg(self, value: str) -> None:
        if value in ("Stop", "Pause"):
            await self.halt()

    async def _on_tweak_forward(self, value: int) -> None:
        await self._tweak(value, +1)
        await self.twf.set(0)

    async def _on_tweak_reverse(self, value: int) -> None:
        await self._tweak(value, -1)
        await self.twr.set(0)

    async def _tweak(self, value: int, sign: int) -> None:
        target = self.val.value + sign * self.twv.value
        if value and await self._check_target(target):
            await self.val.set(target)
            await self._on_val(target)

    async def _redefine(self, user_position: float) -> None:
        """SET mode: make the current dial position read ``user_position`` by changing OFF."""
        await self.off.set(user_position - self._dial)
        await self._apply_offset(user_position - self._dial)

    async def _on_offset(self, value: float) -> None:
        await self._apply_offset(value)

    async def _apply_offset(self, offset: float) -> None:
        """Shift user coordinates: RBV, VAL and the user limits follow OFF (dial limits stay)."""
        delta, self._offset = offset - self._offset, offset
        await self.hlm.set(self.hlm.value + delta)
        await self.llm.set(self.llm.value + delta)
        await self.val.set(self._dial + offset)
        await self.rbv.set(self._dial + offset)
