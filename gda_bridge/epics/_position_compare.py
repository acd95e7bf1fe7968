"""EpicsPositionCompare: a Zebra's position-compare block, set up for one line of a fly scan."""

from __future__ import annotations

import logging
import threading

import numpy as np

from gda_bridge.core.errors import DeviceError
from gda_bridge.devices.waiting import wait_for

from ._pv_backend import CONNECTION_TIMEOUT, Channel, connect_all, get_many

log = logging.getLogger("gda_bridge.epics")

#: Default seconds for a setting, an arm or a disarm to take effect.
SETTLE_TIMEOUT = 5.0
#: PC_TSPRE choices (as the Zebra orders them) and their length in seconds.
TIME_UNITS = (1e-3, 1.0, 10.0)


class EpicsPositionCompare:
    """The position-compare block of a Zebra at ``prefix`` (``"BL99:ZEBRA:"``), on encoder ``encoder``.

    Positions are in the motor's engineering units, as the Zebra serves them. A line is
    ``n_points`` pulses at ``start + k * step`` (k = 0..n-1) passed in the direction of ``step``
    (or ``direction``); the box fires each as the motor crosses it, captures the encoder position
    and the time, and disarms itself after the last. Use::

        pc.configure_line(start=-1.0, step=0.1, n_points=21)
        pc.arm()                  # returns once PC_ARM_OUT says armed
        ... move the motor through the line (with its run-up) ...
        pc.wait_done(timeout)     # the box disarmed itself after the last pulse
        positions, times = pc.captured()

    Every wait that runs out raises a one-line DeviceError naming the device and the PV.
    """

    def __init__(self, name: str, prefix: str, *, encoder: int = 1,
                 connection_timeout: float = CONNECTION_TIMEOUT, settle_timeout: float = SETTLE_TIMEOUT) -> None:
        if not 1 <= encoder <= 4:
            raise DeviceError(f"{name}: encoder {encoder} is not one of 1..4 (Enc1..Enc4)")
        self.name = name
        self.prefix = prefix
        self.encoder = encoder
        self.settle_timeout = settle_timeout
        self._armed = threading.Event()
        self._disarmed = threading.Event()

        def ch(suffix: str, **kw: object) -> Channel:
            return Channel(f"{prefix}{suffix}", name, **kw)  # type: ignore[arg-type]

        names = ("PC_ENC", "PC_DIR", "PC_TSPRE", "PC_ARM_SEL", "PC_GATE_SEL", "PC_GATE_START", "PC_GATE_WID",
                 "PC_GATE_NGATE", "PC_PULSE_SEL", "PC_PULSE_START", "PC_PULSE_STEP", "PC_PULSE_MAX",
                 "PC_ARM", "PC_DISARM")
        self._settings = {n: ch(n) for n in names}
        self._arm_out = ch("PC_ARM_OUT", monitor=True, on_value=self._on_arm_out)
        self._num_cap = ch("PC_NUM_CAP")
        self._positions = ch(f"PC_ENC{encoder}")
        self._times = ch("PC_TIME")
        self._channels = [*self._settings.values(), self._arm_out, self._num_cap, self._positions, self._times]
        connect_all(self._channels, connection_timeout, f"EpicsPositionCompare {name}")

    def _on_arm_out(self, value: object) -> None:
        armed = bool(value)
        (self._armed if armed else self._disarmed).set()
        (self._disarmed if armed else self._armed).clear()

    def _put(self, suffix: str, value: float) -> None:
        self._settings[suffix].put_complete(value, f"{self.name}: set {self.prefix}{suffix} to {value:g}").wait(
            self.settle_timeout)

    def configure_line(self, start: float, step: float, n_points: int, direction: int | None = None) -> None:
        """Pulses at ``start + k * step`` for k = 0..n_points-1, fired crossing in ``direction``
        (+1 or -1; by default the sign of ``step``). One gate, from ``start`` to half a step
        beyond the last point; time stamps in seconds."""
        if n_points < 1:
            raise DeviceError(f"{self.name}: a line needs at least one point, not {n_points}")
        if direction is None:
            direction = -1 if step < 0 else 1
        if direction not in (1, -1):
            raise DeviceError(f"{self.name}: direction {direction} is not +1 or -1")
        if n_points > 1 and step == 0:
            raise DeviceError(f"{self.name}: {n_points} points need a non-zero step")
        if n_points > 1 and (step > 0) != (direction > 0):
            raise DeviceError(f"{self.name}: step {step:g} goes against direction {direction:+d}")
        width = abs(step) * (n_points - 1) + abs(step) / 2
        for suffix, value in (("PC_ARM_SEL", 0), ("PC_GATE_SEL", 0), ("PC_PULSE_SEL", 0),
                              ("PC_ENC", self.encoder - 1), ("PC_DIR", 0 if direction > 0 else 1),
                              ("PC_TSPRE", 1), ("PC_GATE_START", start), ("PC_GATE_WID", width),
                              ("PC_GATE_NGATE", 1), ("PC_PULSE_START", 0.0), ("PC_PULSE_STEP", abs(step)),
                              ("PC_PULSE_MAX", n_points)):
            self._put(suffix, value)
        log.info("%s: line of %d pulses from %g by %g", self.name, n_points, start, step)

    @property
    def armed(self) -> bool:
        """What PC_ARM_OUT says now (read from the box)."""
        return bool(self._arm_out.get())

    def arm(self, timeout: float | None = None) -> None:
        """Arm (clears the previous captures) and return once the box says it is armed."""
        self._disarmed.clear()
        self._put("PC_ARM", 1)
        self.wait_armed(timeout)

    def wait_armed(self, timeout: float | None = None) -> None:
        timeout = self.settle_timeout if timeout is None else timeout
        if not wait_for(self._armed, timeout) and not self.armed:
            raise DeviceError(f"{self.name}: not armed within {timeout:g} s ({self.prefix}PC_ARM_OUT is 0)")

    def disarm(self, timeout: float | None = None) -> None:
        """Disarm (no more pulses) and return once the box says so."""
        self._put("PC_DISARM", 1)
        self.wait_done(self.settle_timeout if timeout is None else timeout)

    def wait_done(self, timeout: float) -> None:
        """Wait until the box is disarmed: after its last pulse, or a disarm."""
        if not wait_for(self._disarmed, timeout) and self.armed:
            raise DeviceError(f"{self.name}: still armed after {timeout:g} s, {self.num_captured()} pulses "
                              f"captured ({self.prefix}PC_ARM_OUT is 1)")

    def num_captured(self) -> int:
        """Pulses captured since the last arm (PC_NUM_CAP)."""
        return int(self._num_cap.get())

    def captured(self) -> tuple[np.ndarray, np.ndarray]:
        """(positions in EGU, times in seconds since the arm) of every pulse captured; the
        waveforms are complete once the box is disarmed (:meth:`wait_done`)."""
        n = self.num_captured()
        if n == 0:
            return np.zeros(0), np.zeros(0)
        units = TIME_UNITS[int(self._settings["PC_TSPRE"].get())]
        positions, times = get_many([self._positions, self._times])
        positions = np.asarray(positions, dtype=float)[:n]
        times = np.asarray(times, dtype=float)[:n] * units
        if len(positions) < n:
            raise DeviceError(f"{self.name}: {self.prefix}PC_ENC{self.encoder} holds {len(positions)} "
                              f"values, PC_NUM_CAP says {n}")
        return positions, times

    def close(self) -> None:
        for channel in self._channels:
            channel.disconnect()
