"""PVScannable (setpoint/readback pair) and PVMonitor (read-only PV) as GDA scannables."""

from __future__ import annotations

import logging
import threading
import time

from gda_bridge.core.errors import DeviceError
from gda_bridge.devices import MonitorBase, ScannableMotionBase
from gda_bridge.devices.waiting import SLICE

from ._pv_backend import CONNECTION_TIMEOUT, Channel, Completion, connect_all, done_completion

log = logging.getLogger("gda_bridge.epics")

#: Default seconds a PVScannable move may take.
MOVE_TIMEOUT = 60.0


def _as_position(value: object) -> object:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return value


class PVScannable(ScannableMotionBase):
    """A setpoint PV with an optional readback PV.

    Without ``tolerance`` a move completes by the put-callback on the setpoint (records that
    finish processing when the value is reached). With ``tolerance`` (and a readback) it completes
    when the monitored readback comes within tolerance of the target; with ``stable_for`` too, only
    once the readback has stayed within tolerance for that many seconds (every update outside
    restarts the clock), for readbacks that ring or overshoot. ``settle_time`` adds a fixed wait
    after either. A move that has not settled within ``move_timeout`` raises a DeviceError naming
    the target, the last readback and the rule.
    """

    def __init__(self, name: str, setpoint: str, readback: str | None = None, *,
                 tolerance: float | None = None, stable_for: float = 0.0, settle_time: float = 0.0,
                 units: str = "", move_timeout: float = MOVE_TIMEOUT,
                 connection_timeout: float = CONNECTION_TIMEOUT) -> None:
        super().__init__(name)
        if tolerance is not None and readback is None:
            raise DeviceError(f"{name}: a tolerance needs a readback PV")
        if stable_for and tolerance is None:
            raise DeviceError(f"{name}: stable_for={stable_for:g} needs a tolerance (and a readback PV)")
        for what, value in (("tolerance", tolerance), ("stable_for", stable_for), ("settle_time", settle_time)):
            if value is not None and not value >= 0:
                raise DeviceError(f"{name}: {what}={value!r} must be a number >= 0")
        self.inputNames = [name]
        self.extraNames = []
        self.units = units
        self.move_timeout = move_timeout
        self.stable_for = float(stable_for)
        self.settle_time = float(settle_time)
        self._tolerance = tolerance
        if tolerance is not None:
            self.setTolerances([tolerance])
        self._changed = threading.Condition()
        self._target: float | None = None
        #: When the readback last came within tolerance and has stayed there (None: outside).
        self._inside_since: float | None = None
        self._last: object = None
        #: When the put-callback was seen complete (moves without a tolerance).
        self._done_at: float | None = None
        self._move: Completion = done_completion(f"{name}: move")
        self._setpoint = Channel(setpoint, name)
        self._readback = None if readback is None else Channel(
            readback, name, monitor=tolerance is not None,
            on_value=self._readback_changed if tolerance is not None else None)
        self._channels = [c for c in (self._setpoint, self._readback) if c is not None]
        connect_all(self._channels, connection_timeout, f"PVScannable {name}")

    def rawGetPosition(self) -> object:
        return _as_position((self._readback or self._setpoint).get())

    def rawAsynchronousMoveTo(self, position: object) -> None:
        what = f"{self.name}: move to {position}"
        with self._changed:
            self._done_at = None
        if self._tolerance is None:
            self._move = self._setpoint.put_complete(position, what)
            return
        target = float(position)  # type: ignore[arg-type]
        with self._changed:
            self._target, self._inside_since = target, None
        self._setpoint.put(target)
        if self._readback is not None and self._readback.cached is not None:
            self._readback_changed(self._readback.cached)

    def _readback_changed(self, value: object) -> None:
        now = time.monotonic()
        with self._changed:
            self._last = value
            if self._target is None or value is None:
                return
            if abs(float(value) - self._target) <= self._tolerance:  # type: ignore[arg-type, operator]
                if self._inside_since is None:
                    self._inside_since = now
            else:
                self._inside_since = None
            self._changed.notify_all()

    def _settled_at(self) -> float | None:
        """When the move counts as done (possibly in the future); None while that is not known."""
        if self._tolerance is None:
            if not self._move.done():
                return None
            if self._done_at is None:
                self._done_at = time.monotonic()  # first seen: counts no earlier than the callback
            return self._done_at + self.settle_time
        if self._target is None:
            return 0.0
        if self._inside_since is None:
            return None
        return self._inside_since + self.stable_for + self.settle_time

    def rawIsBusy(self) -> bool:
        with self._changed:
            at = self._settled_at()
        return at is None or time.monotonic() < at

    def waitWhileBusy(self, timeout: float | None = None) -> None:
        timeout = self.move_timeout if timeout is None else timeout
        deadline = time.monotonic() + timeout
        if self._tolerance is None:
            self._move.wait(timeout)
        with self._changed:
            while True:
                now = time.monotonic()
                at = self._settled_at()
                if at is not None and now >= at:
                    break
                if now >= deadline and self._tolerance is not None:
                    raise DeviceError(self._not_settled(timeout))
                left = SLICE if at is None else at - now
                if self._tolerance is not None:
                    left = min(left, deadline - now)
                # Woken by every readback update; slices keep Ctrl-C responsive inside a Java call.
                self._changed.wait(min(SLICE, left))

    def _not_settled(self, timeout: float) -> str:
        rule = f"within {self._tolerance:g}"
        if self.stable_for:
            rule += f" for {self.stable_for:g} s"
        return (f"{self.name}: did not settle at {self._target:g} within {timeout:g} s "
                f"(last readback {self._last}, tolerance: stay {rule})")

    def close(self) -> None:
        for ch in self._channels:
            ch.disconnect()


class PVMonitor(MonitorBase):
    """A read-only PV: its value is an extra field of the scan (no input); moving it raises."""

    def __init__(self, name: str, pv: str, *, units: str = "",
                 connection_timeout: float = CONNECTION_TIMEOUT) -> None:
        super().__init__(name)
        self.inputNames = []
        self.extraNames = [name]
        self.units = units
        self._channel = Channel(pv, name)
        connect_all([self._channel], connection_timeout, f"PVMonitor {name}")

    def rawGetPosition(self) -> object:
        return _as_position(self._channel.get())

    def close(self) -> None:
        self._channel.disconnect()
