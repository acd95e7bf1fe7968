"""PVScannable (setpoint/readback pair) and PVMonitor (read-only PV) as GDA scannables."""

from __future__ import annotations

import logging
import threading

from gda_bridge.core.errors import DeviceError
from gda_bridge.devices import MonitorBase, ScannableMotionBase

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
    when the monitored readback comes within tolerance of the target.
    """

    def __init__(self, name: str, setpoint: str, readback: str | None = None, *,
                 tolerance: float | None = None, units: str = "",
                 move_timeout: float = MOVE_TIMEOUT, connection_timeout: float = CONNECTION_TIMEOUT) -> None:
        super().__init__(name)
        if tolerance is not None and readback is None:
            raise DeviceError(f"{name}: a tolerance needs a readback PV")
        self.inputNames = [name]
        self.extraNames = []
        self.units = units
        self.move_timeout = move_timeout
        self._tolerance = tolerance
        if tolerance is not None:
            self.setTolerances([tolerance])
        self._lock = threading.Lock()
        self._target: float | None = None
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
        if self._tolerance is None:
            self._move = self._setpoint.put_complete(position, what)
            return
        target = float(position)  # type: ignore[arg-type]
        move = Completion(what)
        with self._lock:
            self._target, self._move = target, move
        self._setpoint.put(target)
        self._readback_changed(self._readback.cached if self._readback else None)

    def _readback_changed(self, value: object) -> None:
        with self._lock:
            target, move = self._target, self._move
        if target is not None and value is not None and abs(float(value) - target) <= self._tolerance:
            move.finish()

    def rawIsBusy(self) -> bool:
        return not self._move.done()

    def waitWhileBusy(self, timeout: float | None = None) -> None:
        self._move.wait(self.move_timeout if timeout is None else timeout)

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
