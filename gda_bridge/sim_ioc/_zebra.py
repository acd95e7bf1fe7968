"""A simulated position-compare box, named as the Zebra's EPICS support (dls-controls/zebra) names it.

Only its position-compare block is simulated: gate source Position (one gate), pulse source
Position, soft arm. Positions are in engineering units, as the Zebra template serves them (it
scales encoder counts by the motor's MRES and OFF): the box compares encoder counts, so a compare
position is rounded to a whole count of the motor's MRES, and what it captures at a pulse is that
count times MRES.

The pulses are driven by the motors' exact motion: when a segment of motion starts, is retargeted
or halts, the box computes (vectorised) when the motor passes each compare position left (in the
PC_DIR direction) and puts a timer on the scheduler for the next one. When it runs, every pulse due
by then fires in one batch (timers at most every BATCH_S, so a 10-20 kHz line costs the loop a few
hundred turns a second, not one per pulse; PC_NUM_CAP is posted once a batch). The pulse's captured
time (PC_TIME) and position (PC_ENCn) are the exact ones, not when the loop happened to run. A pulse goes to every
output whose OUTn_TTL is 31 (PC_PULSE on the Zebra's system bus): OUT1_TTL is wired to the camera's
trigger input, OUT2_TTL to the multi-channel scaler's channel advance. A pulse the camera cannot
take (not waiting for a trigger) is counted in SIM_CAM_MISSED.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ._fields import Field, double, enum, integer, short, string, waveform
from ._motor import SimMotor
from ._scheduler import Scheduler, Timer
from ._trajectory import UserMotion

log = logging.getLogger("gda_bridge.sim_ioc.zebra")

#: The Zebra system bus index of the position-compare pulse (what OUTn_TTL is set to).
PC_PULSE = 31
ENCODERS = ("Enc1", "Enc2", "Enc3", "Enc4", "Enc1-4Av")
TIME_UNITS = {"ms": 1e-3, "s": 1.0, "10s": 10.0}
#: The shortest time between two batches of pulses (s); slower pulses each fire at their own time.
BATCH_S = 0.002


@dataclass
class ZebraConfig:
    """Which motor each encoder input reads (Enc1..Enc4; None: nothing connected)."""

    encoders: tuple[str | None, ...] = ("m1", "m2", "m3", None)
    #: Length of the capture waveforms (PC_ENC1..4, PC_TIME): the most pulses one arm captures.
    max_captures: int = 20001


@dataclass
class Output:
    """One TTL output: ``trigger(t)`` delivers a pulse of time ``t``; it returns whether it was taken.
    ``batch(times)``, if given, delivers several in order at once and returns how many were taken."""

    name: str
    trigger: Callable[[float], bool]
    counts_missed: bool = False
    batch: Callable[[np.ndarray], int] | None = None
    wired: Field = field(init=False)


class SimZebra:
    """The position-compare block of a Zebra, served as ``{prefix}PC_...`` (prefix ``BL99:ZEBRA:``)."""

    def __init__(self, config: ZebraConfig, motors: dict[str, SimMotor], scheduler: Scheduler) -> None:
        self.config = c = config
        self._motors = motors
        self._scheduler = scheduler
        self.outputs: list[Output] = []
        self._timer: Timer | None = None
        self._motion: UserMotion | None = None
        self._compare = np.zeros(0)  # compare positions (whole counts x MRES), in pulse order
        self._next = 0
        #: Crossing times on self._motion of compare positions self._base.. (NaN: not on it), and
        #: the end (exclusive, an index into _compare) of the run of them that can fire.
        self._crossings = np.zeros(0)
        self._base = self._fireable = 0
        self._last_batch = -np.inf
        self._armed_at = 0.0
        self._direction = 1
        self._captures: list[list[float]] = [[] for _ in range(4)]
        self._times: list[float] = []
        for name in c.encoders:
            if name is not None and name in motors:
                motors[name].add_motion_listener(lambda name=name: self._on_motion(name))

        egu = {"precision": 4}
        self.settings: dict[str, Field] = {}
        self.pc_enc = self._add("PC_ENC", enum("Enc1", ENCODERS, "encoder the position compare follows "
                                               f"(Enc1..Enc4 = {', '.join(str(e) for e in c.encoders)})"))
        self.pc_dir = self._add("PC_DIR", enum("Positive", ("Positive", "Negative"), "direction of the "
                                               "position compare: pulses fire crossing in this direction"))
        self.pc_tspre = self._add("PC_TSPRE", enum("ms", tuple(TIME_UNITS), "time units of PC_TIME"))
        self._add("PC_ARM_SEL", enum("Soft", ("Soft", "External"), "arm source (Soft only)",
                                     check=lambda v: v == "Soft"))
        self._add("PC_ARM", short(0, "1 arms: clears the captures, then pulses on the motion", action=self._on_arm))
        self._add("PC_DISARM", short(0, "1 disarms: no more pulses", action=self._on_disarm))
        self.arm_out = self._add("PC_ARM_OUT", short(0, "1 while armed (0 again after the last pulse)"))
        self._add("PC_GATE_SEL", enum("Position", ("Position", "Time", "External"), "gate source "
                                      "(Position only)", check=lambda v: v == "Position"))
        self.gate_start = self._add("PC_GATE_START", double(0.0, "gate start (EGU)", **egu), rbv=True)
        self.gate_wid = self._add("PC_GATE_WID", double(1.0, "gate width (EGU, in PC_DIR from the start)",
                                                        **egu), rbv=True)
        self._add("PC_GATE_NGATE", integer(1, "number of gates (1 only)", check=lambda v: v == 1))
        self._add("PC_GATE_STEP", double(0.0, "gate step (served only: one gate)", **egu))
        self.gate_out = self._add("PC_GATE_OUT", short(0, "1 from the first pulse to the end of the gate"))
        self._add("PC_PULSE_SEL", enum("Position", ("Position", "Time", "External"), "pulse source "
                                       "(Position only)", check=lambda v: v == "Position"))
        self.pulse_start = self._add("PC_PULSE_START", double(0.0, "first pulse, from the gate start (EGU, "
                                                              "in PC_DIR)", **egu), rbv=True)
        self.pulse_step = self._add("PC_PULSE_STEP", double(0.1, "pulse step (EGU)", **egu), rbv=True)
        self._add("PC_PULSE_WID", double(0.01, "pulse width (EGU; served only, a pulse is an instant "
                                         "here)", **egu), rbv=True)
        self._add("PC_PULSE_DLY", double(0.0, "pulse delay (served only)", **egu), rbv=True)
        self.pulse_max = self._add("PC_PULSE_MAX", integer(1, "number of pulses"))
        self.pulse_out = self._add("PC_PULSE_OUT", short(0, "pulse output (served only: pulses are instants)"))
        self._add("PC_BIT_CAP", integer(0b1111, "what is captured (Enc1..Enc4 always, here)"))
        self.num_cap = self._add("PC_NUM_CAP", integer(0, "pulses captured since the arm"))
        self.num_down = self._add("PC_NUM_DOWN", integer(0, "captures in the waveforms (posted at the "
                                                         "end of the arm)"))
        self.enc = [self._add(f"PC_ENC{i}", waveform("float", c.max_captures,
                                                     f"Enc{i} position at each pulse (EGU)")) for i in range(1, 5)]
        self.time = self._add("PC_TIME", waveform("float", c.max_captures, "time of each pulse since the "
                                                  "arm (PC_TSPRE units)"))
        self.cam_missed = self._add("SIM_CAM_MISSED", integer(0, "simulation only: pulses the camera "
                                                              "could not take since the arm"))

    def _add(self, name: str, f: Field, rbv: bool = False) -> Field:
        self.settings[name] = f
        if rbv:
            readback = Field(f.kind, f.value, doc=f"{name} readback", precision=f.precision)
            own = f.action

            def echo(value: object) -> None:
                readback.set(value)
                if own is not None:
                    own(value)

            f.action = echo
            self.settings[f"{name}:RBV"] = readback
        return f

    def connect(self, ttl: int, name: str, trigger: Callable[[float], bool], counts_missed: bool = False,
                batch: Callable[[np.ndarray], int] | None = None) -> None:
        """Wire TTL output ``ttl`` (OUTn_TTL, set to PC_PULSE) to ``trigger`` (and ``batch``)."""
        out = Output(name, trigger, counts_missed, batch)
        out.wired = integer(PC_PULSE, f"what drives TTL output {ttl} ({name}): 31 = PC_PULSE, "
                                      "anything else leaves it undriven")
        self.settings[f"OUT{ttl}_TTL"] = out.wired
        self.outputs.append(out)

    def fields(self, prefix: str) -> dict[str, Field]:
        pvs = {f"{prefix}{name}": f for name, f in self.settings.items()}
        pvs[f"{prefix}SIM_WIRING"] = string(", ".join(f"OUT{i}_TTL={o.name}" for i, o in enumerate(self.outputs, 1)),
                                            "simulation only: what the TTL outputs are wired to")
        return pvs

    @property
    def armed(self) -> bool:
        return bool(self.arm_out.value)

    def _motor(self) -> SimMotor | None:
        index = ENCODERS.index(self.pc_enc.value)
        name = self.config.encoders[index] if index < len(self.config.encoders) else None
        return self._motors.get(name) if name is not None else None

    # -- arm and disarm ---------------------------------------------------------------------------

    def _on_arm(self, value: int) -> None:
        if not value:
            return
        self._stop()
        motor = self._motor()
        if motor is None:
            log.warning("zebra: PC_ENC %s is not connected to a motor; armed, but no pulse will come",
                        self.pc_enc.value)
        self._direction = 1 if self.pc_dir.value == "Positive" else -1
        d, start, width = self._direction, self.gate_start.value, abs(self.gate_wid.value)
        step, n = abs(self.pulse_step.value), max(0, min(self.pulse_max.value, self.config.max_captures))
        if step == 0:
            n = min(n, 1)
        mres = abs(motor.mres.value) if motor is not None and motor.mres.value else 1.0
        compare = []
        for k in range(n):
            offset = self.pulse_start.value + k * step
            if not 0 <= offset <= width + 1e-12 * max(1.0, width):
                break  # outside the gate
            compare.append(round((start + d * offset) / mres) * mres)
        self._compare = np.array(compare, dtype=float)
        self._next = 0
        self._captures = [[] for _ in range(4)]
        self._times = []
        self._armed_at = self._scheduler.now()
        self.num_cap.set(0)
        self.cam_missed.set(0)
        self.arm_out.set(1)
        log.info("zebra: armed for %d pulses at %s..%s", len(self._compare),
                 compare[0] if compare else None, compare[-1] if compare else None)
        self._follow(motor.motion() if motor is not None else None)
        self._schedule()

    def _on_disarm(self, value: int) -> None:
        if value and self.armed:
            self._stop()

    def _stop(self) -> None:
        """Disarm: fire the pulses already due, cancel the next and post what was captured."""
        self._fire_due(self._scheduler.now())
        timer, self._timer = self._timer, None
        if timer is not None:
            timer.cancel()
        if not self.armed:
            return
        n = len(self._times)
        for i, values in enumerate(self._captures):
            self.enc[i].set(self._padded(values))
        self.time.set(self._padded(self._times))
        self.num_down.set(n)
        for f in (self.gate_out, self.arm_out):
            if f.value:
                f.set(0)
        log.info("zebra: disarmed after %d pulses", n)

    def _padded(self, values: list[float]) -> np.ndarray:
        out = np.zeros(self.config.max_captures)
        out[: len(values)] = values
        return out

    # -- pulses -----------------------------------------------------------------------------------

    def _on_motion(self, name: str) -> None:
        """A motor's motion changed: pulses it already passed on its old motion fire, then the
        next one is scheduled on the new motion."""
        motor = self._motor()
        if not self.armed or motor is None or motor is not self._motors.get(name):
            return
        self._fire_due(self._scheduler.now())
        if self.armed:
            self._follow(motor.motion())
            self._schedule()

    def _follow(self, motion: UserMotion | None) -> None:
        """Take ``motion`` as the one to pulse on: the crossing times of every compare position
        left, and how many of them in a row can fire (on it, and not before the arm)."""
        self._motion = motion
        self._base = self._fireable = self._next
        if motion is None:
            self._crossings = np.zeros(0)
            return
        self._crossings = motion.crossing_times(self._compare[self._next:], self._direction)
        blocked = np.flatnonzero(~(self._crossings >= self._armed_at))  # NaN or before the arm
        self._fireable = self._next + (int(blocked[0]) if len(blocked) else len(self._crossings))

    def _schedule(self) -> None:
        timer, self._timer = self._timer, None
        if timer is not None:
            timer.cancel()
        if not self.armed or self._next >= len(self._compare):
            if self.armed:
                self._stop()
            return
        if self._motion is None or self._next >= self._fireable:
            return  # not on this motion (a position passed before the arm never fires)
        t = float(self._crossings[self._next - self._base])
        self._timer = self._scheduler.call_at(max(t, self._last_batch + BATCH_S), self._on_timer)

    def _on_timer(self) -> None:
        self._timer = None
        now = self._last_batch = self._scheduler.now()
        self._fire_due(now)
        self._schedule()

    def _fire_due(self, now: float) -> None:
        """Fire, in one batch, every pulse on the current motion due by ``now``."""
        if not self.armed or self._motion is None or self._next >= self._fireable:
            return
        crossings = self._crossings[self._next - self._base: self._fireable - self._base]
        count = int(np.searchsorted(crossings, now, side="right"))
        if count:
            self._pulses(crossings[:count])

    def _pulses(self, times: np.ndarray) -> None:
        """Pulse ``self._next`` ... at ``times``: capture, count, then the outputs."""
        k, self._next = self._next, self._next + len(times)
        selected = ENCODERS.index(self.pc_enc.value)
        for i, values in enumerate(self._captures):
            if i == selected:
                values.extend(self._compare[k: self._next].tolist())
                continue
            name = self.config.encoders[i] if i < len(self.config.encoders) else None
            motor = self._motors.get(name) if name is not None else None
            if motor is None:
                values.extend([0.0] * len(times))
                continue
            mres = abs(motor.mres.value) or 1.0
            values.extend((np.round(motor.positions_at(times) / mres) * mres).tolist())
        self._times.extend(((times - self._armed_at) / TIME_UNITS[self.pc_tspre.value]).tolist())
        if not self.gate_out.value:
            self.gate_out.set(1)
        self.num_cap.set(self._next)
        missed = 0
        for out in self.outputs:
            if out.wired.value != PC_PULSE:
                continue
            if out.batch is not None:
                taken = out.batch(times)
            else:
                taken = sum(bool(out.trigger(t)) for t in times.tolist())
            if out.counts_missed:
                missed += len(times) - taken
        if missed:
            self.cam_missed.set(self.cam_missed.value + missed)
