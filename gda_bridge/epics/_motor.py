"""EpicsMotor: a motor record as a GDA ScannableMotion, completed by put-callback on VAL."""

from __future__ import annotations

import logging

from gda_bridge.core.errors import DeviceError, LimitError
from gda_bridge.devices import ScannableMotionBase

from ._pv_backend import CONNECTION_TIMEOUT, Channel, Completion, connect_all, done_completion, get_many

log = logging.getLogger("gda_bridge.epics")

#: Seconds allowed beyond the time a move should take at VELO.
SETTLE_TIMEOUT = 5.0


class EpicsMotor(ScannableMotionBase):
    """A motor record ``pv`` (``BL99:m1``).

    Limits follow HLM/LLM (monitored; HLM == LLM means none, as in the motor record), the
    tolerance is RDBD, units EGU, format from PREC. A move beyond the limits raises LimitError
    before anything is written. ``waitWhileBusy`` waits on the put-callback of VAL: no polling;
    an IOC that disconnects ends the wait at once with a DeviceError, and a move that takes
    longer than distance/VELO * 1.5 + ``settle_timeout`` raises one too.
    """

    def __init__(self, name: str, pv: str, *, connection_timeout: float = CONNECTION_TIMEOUT,
                 settle_timeout: float = SETTLE_TIMEOUT) -> None:
        super().__init__(name)
        self.inputNames = [name]
        self.extraNames = []
        self.level = 5
        self.pv = pv
        self.settle_timeout = settle_timeout
        self._limits: tuple[float | None, float | None] = (None, None)
        self._val = Channel(f"{pv}.VAL", name)
        self._rbv = Channel(f"{pv}.RBV", name, monitor=True)
        self._stop = Channel(f"{pv}.STOP", name)
        self._velo = Channel(f"{pv}.VELO", name, monitor=True)
        self._hlm = Channel(f"{pv}.HLM", name, monitor=True)
        self._llm = Channel(f"{pv}.LLM", name, monitor=True)
        self._rdbd = Channel(f"{pv}.RDBD", name)
        self._egu = Channel(f"{pv}.EGU", name)
        self._prec = Channel(f"{pv}.PREC", name)
        self._channels = [self._val, self._rbv, self._stop, self._velo, self._hlm, self._llm,
                          self._rdbd, self._egu, self._prec]
        connect_all(self._channels, connection_timeout, f"EpicsMotor {name}")
        hlm, llm, rdbd, egu, prec = get_many([self._hlm, self._llm, self._rdbd, self._egu, self._prec])
        self._set_limits(float(llm), float(hlm))
        self._hlm.on_value = self._llm.on_value = lambda _: self._refresh_limits()
        self.setTolerances([float(rdbd)])
        self.units = str(egu)
        self.outputFormat = [f"%.{int(prec)}f"]
        self._move: Completion = done_completion(f"{name}: move")
        self._target: float | None = None

    def _refresh_limits(self) -> None:
        high, low = self._hlm.cached, self._llm.cached
        if high is not None and low is not None:
            self._set_limits(float(low), float(high))

    def _set_limits(self, low: float, high: float) -> None:
        limits = (None, None) if low == high else (low, high)
        if limits != self._limits:
            self._limits = limits
            self.setLowerGdaLimits(limits[0])
            self.setUpperGdaLimits(limits[1])
            log.debug("%s: limits now %s", self.name, limits)

    @property
    def limits(self) -> tuple[float | None, float | None]:
        """(LLM, HLM) as last seen, or (None, None) when the record has no soft limits."""
        return self._limits

    def rawGetPosition(self) -> float:
        return float(self._rbv.get())

    def rawAsynchronousMoveTo(self, position: object) -> None:
        target = float(position)  # type: ignore[arg-type]
        low, high = self._limits
        if low is not None and high is not None and not low <= target <= high:
            raise LimitError(self.name, target, low, high)
        if not self._move.done():
            log.debug("%s: new target %s while moving to %s", self.name, target, self._target)
        self._target = target
        self._move = self._val.put_complete(target, f"{self.name}: move to {target:g}")

    def rawIsBusy(self) -> bool:
        return not self._move.done()

    def move_timeout(self) -> float:
        """Seconds a move to the current target may take before it counts as failed."""
        velocity, readback = self._velo.cached, self._rbv.cached
        if self._target is None or not velocity or readback is None or velocity <= 0:
            return self.settle_timeout + 60.0
        return abs(self._target - float(readback)) / float(velocity) * 1.5 + self.settle_timeout

    def waitWhileBusy(self, timeout: float | None = None) -> None:
        self._move.wait(self.move_timeout() if timeout is None else timeout)

    def stop(self) -> None:
        """Ask the record to stop; a pending move then completes where the motor halted."""
        if not self._stop.connected:
            log.warning("%s: cannot stop, %s is not connected", self.name, self._stop.pvname)
            return
        try:
            self._stop.put(1)
        except DeviceError:
            log.warning("%s: stop request failed", self.name, exc_info=True)

    def close(self) -> None:
        """Drop the channels (the device is unusable afterwards)."""
        for ch in self._channels:
            ch.disconnect()
