"""EpicsMotor: a motor record as a GDA ScannableMotion; a move is done only when the record says so."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from gda_bridge.core.errors import DeviceError, LimitError
from gda_bridge.devices import ScannableMotionBase
from gda_bridge.devices.flying import move_seconds
from gda_bridge.devices.waiting import wait_for

from ._motor_move import (
    SPMG_GO,
    SPMG_NAMES,
    SPMG_PAUSE,
    SPMG_STOP,
    MoveWatch,
    RecordState,
    failure,
    off_target,
)
from ._pv_backend import CONNECTION_TIMEOUT, Channel, Completion, connect_all, get_many

log = logging.getLogger("gda_bridge.epics")

#: Seconds allowed beyond the time a move should take at VELO.
SETTLE_TIMEOUT = 5.0
#: Seconds a move may take to start (DMOV to go 0) after its put-callback came back.
START_TIMEOUT = 2.0


class _PutDone(Completion):
    """The put-callback of one move, which tells the move's watch when it comes back."""

    __slots__ = ("_watch", "_motion_expected")

    def __init__(self, what: str, watch: MoveWatch, motion_expected: Any) -> None:
        super().__init__(what)
        self._watch = watch
        self._motion_expected = motion_expected

    def finish(self, error: str | None = None) -> None:
        first = not self.done()
        super().finish(error)
        if first:
            self._watch.put_finished(error, self._motion_expected)


def _flag(value: Any) -> int:
    return 0 if value is None else int(value)


class EpicsMotor(ScannableMotionBase):
    """A motor record ``pv`` (``BL99:m1``).

    Limits follow HLM/LLM (monitored; HLM == LLM == 0 means none, as in the motor record), units
    EGU, format from PREC. A move beyond the limits raises LimitError before anything is written.
    A move is over when the put-callback on VAL has come back AND DMOV is back at 1 (see
    :mod:`._motor_move`); it succeeded only if RBV is within ``tolerance`` of the target
    (default: the record's RDBD, at least MRES), no limit switch, LVIO, MISS or MSTA problem bit
    is set, STOP was not pressed and SPMG is Go. Anything else raises a DeviceError naming the
    motor, the target, where it stopped and why. Every field this needs is monitored, so a
    successful move costs no extra round trip.
    """

    def __init__(self, name: str, pv: str, *, connection_timeout: float = CONNECTION_TIMEOUT,
                 settle_timeout: float = SETTLE_TIMEOUT, start_timeout: float = START_TIMEOUT,
                 tolerance: float | None = None) -> None:
        super().__init__(name)
        self.inputNames = [name]
        self.extraNames = []
        self.level = 5
        self.pv = pv
        self.settle_timeout = settle_timeout
        self.start_timeout = start_timeout
        self._tolerance = tolerance
        self._limits: tuple[float | None, float | None] = (None, None)

        def ch(field: str, monitor: bool = True) -> Channel:
            return Channel(f"{pv}.{field}", name, monitor=monitor)

        self._val, self._rbv, self._dmov, self._stop = ch("VAL"), ch("RBV"), ch("DMOV"), ch("STOP", False)
        self._spmg, self._lvio, self._hls, self._lls = ch("SPMG"), ch("LVIO"), ch("HLS"), ch("LLS")
        self._miss, self._msta, self._velo = ch("MISS"), ch("MSTA"), ch("VELO")
        self._hlm, self._llm, self._rdbd, self._mres = ch("HLM"), ch("LLM"), ch("RDBD"), ch("MRES")
        self._egu, self._prec = ch("EGU", False), ch("PREC", False)
        self._vmax, self._accl = ch("VMAX"), ch("ACCL")
        self._channels = [self._vmax, self._accl, self._val, self._rbv, self._dmov, self._stop, self._spmg, self._hls, self._lls,
                          self._lvio, self._miss, self._msta, self._velo, self._hlm, self._llm, self._rdbd,
                          self._mres, self._egu, self._prec]
        connect_all(self._channels, connection_timeout, f"EpicsMotor {name}")
        hlm, llm, egu, prec = get_many([self._hlm, self._llm, self._egu, self._prec])
        self._set_limits(float(llm), float(hlm))
        self._hlm.on_value = self._llm.on_value = lambda _: self._refresh_limits()
        self._rdbd.on_value = self._mres.on_value = lambda _: self._refresh_tolerance()
        self._watch: MoveWatch | None = None
        self._rbv_waiters: list[Callable[[float], None]] = []
        self._dmov.on_value = self._on_dmov
        self._spmg.on_value = self._on_spmg
        self._val.on_value = self._on_val
        self._rbv.on_value = self._on_rbv
        self.units = str(egu)
        self._prec_digits = int(prec)
        self.outputFormat = [f"%.{int(prec)}f"]
        self._refresh_tolerance()

    # -- monitors (Channel Access threads) --------------------------------------------------------

    def _on_dmov(self, value: Any) -> None:
        watch = self._watch
        if watch is not None:
            watch.dmov_changed(int(value))

    def _on_rbv(self, value: Any) -> None:
        for waiter in list(self._rbv_waiters):
            waiter(float(value))
        watch = self._watch
        if watch is not None and watch.waiting_for_start and abs(float(value) - watch.target) <= self.tolerance:
            watch.arrived()

    def _on_val(self, value: Any) -> None:
        watch = self._watch
        if watch is not None:
            watch.val_changed(float(value))

    def _on_spmg(self, value: Any) -> None:
        watch = self._watch
        if watch is not None:
            watch.spmg_changed(int(value))

    def _refresh_limits(self) -> None:
        high, low = self._hlm.cached, self._llm.cached
        if high is not None and low is not None:
            self._set_limits(float(low), float(high))

    def _set_limits(self, low: float, high: float) -> None:
        limits = (None, None) if low == high == 0 else (low, high)
        if limits != self._limits:
            self._limits = limits
            self.setLowerGdaLimits(limits[0])
            self.setUpperGdaLimits(limits[1])
            log.debug("%s: limits now %s", self.name, limits)

    def _refresh_tolerance(self) -> None:
        self.setTolerances([self.tolerance])

    # -- settings ---------------------------------------------------------------------------------

    @property
    def limits(self) -> tuple[float | None, float | None]:
        """(LLM, HLM) as last seen, or (None, None) when the record has no soft limits."""
        return self._limits

    @property
    def tolerance(self) -> float:
        """How far RBV may end from the target: the one set here, else max(RDBD, |MRES|)."""
        if self._tolerance is not None:
            return self._tolerance
        return max(abs(float(self._rdbd.cached or 0.0)), abs(float(self._mres.cached or 0.0)))

    @tolerance.setter
    def tolerance(self, value: float | None) -> None:
        self._tolerance = None if value is None else abs(float(value))
        self._refresh_tolerance()

    # -- motion -----------------------------------------------------------------------------------

    def rawGetPosition(self) -> float:
        return float(self._rbv.get())

    def _fmt(self, value: float) -> str:
        return f"{value:.{self._prec_digits}f}"

    def rawAsynchronousMoveTo(self, position: object) -> None:
        target = float(position)  # type: ignore[arg-type]
        low, high = self._limits
        if low is not None and high is not None and not low <= target <= high:
            raise LimitError(self.name, target, low, high)
        spmg = self._spmg.cached
        if spmg in (SPMG_STOP, SPMG_PAUSE):
            raise DeviceError(f"{self.name}: cannot move to {target:g} from {self._fmt(self._position_now())}: "
                              f"SPMG is {SPMG_NAMES[int(spmg)]}")
        previous = self._watch
        if previous is not None and not previous.finished.is_set():
            log.debug("%s: new target %s while moving to %s", self.name, target, previous.target)
        lvio = self._lvio.cached
        if lvio is None:  # its first monitor update has not come yet: what LVIO says now must be known
            lvio = self._lvio.get()
        watch = MoveWatch(target, self._dmov.cached, None if spmg is None else int(spmg), lvio, self.start_timeout)
        self._watch = watch
        what = f"{self.name}: move to {target:g}"
        self._val.put_complete(target, what, _PutDone(what, watch, lambda: self._motion_expected(watch)))

    def _motion_expected(self, watch: MoveWatch) -> bool:
        """At a put-callback with DMOV still 1: will DMOV still go 0 (the IOC is late)?"""
        rbv = self._rbv.cached
        if rbv is not None and abs(float(rbv) - watch.target) <= self.tolerance:
            return False
        refused = _flag(self._lvio.cached) and not watch.lvio_at_start
        return not (refused or self._spmg.cached in (SPMG_STOP, SPMG_PAUSE))

    def rawIsBusy(self) -> bool:
        watch = self._watch
        return watch is not None and not watch.finished.is_set()

    def estimate_speed(self) -> float | None:
        """VELO as last monitored, for scan-time estimates (gda_bridge.scans.estimate)."""
        velocity = self._velo.cached
        return float(velocity) if velocity else None

    def estimate_move_seconds(self, distance: float, speed: float | None = None) -> float:
        """A move's time at ``speed`` (default: VELO), accelerating over ACCL at each end, as
        monitored (gda_bridge.scans.estimate)."""
        accl = self._accl.cached
        return move_seconds(distance, self.estimate_speed() if speed is None else speed,
                            float(accl) if accl else 0.0)

    # -- the fly-scan protocol (gda_bridge.devices.flying.FlyMotor) ------------------------------

    def fly_speed(self) -> float:
        """VELO, read now."""
        return float(self._velo.get())

    def set_fly_speed(self, speed: float) -> None:
        """Write VELO and wait for the put-callback."""
        self._velo.put_complete(float(speed), f"{self.name}: set VELO to {speed:g}").wait(self.settle_timeout)

    def max_speed(self) -> float | None:
        """VMAX, None when 0 (the record's "no maximum")."""
        vmax = float(self._vmax.get())
        return vmax if vmax > 0 else None

    def acceleration_time(self) -> float:
        """ACCL: seconds to reach VELO."""
        return float(self._accl.get())

    def fly_readback(self) -> float:
        """RBV as last monitored."""
        cached = self._rbv.cached
        return self._position_now() if cached is None else float(cached)

    def wait_until_past(self, position: float, increasing: bool, timeout: float) -> bool:
        """True as soon as an RBV update is at or beyond ``position``; False if the move is over
        (DMOV and put-callback) or ``timeout`` passed first."""
        passed = threading.Event()

        def check(rbv: float) -> None:
            if rbv >= position if increasing else rbv <= position:
                passed.set()

        self._rbv_waiters.append(check)
        try:
            check(self.fly_readback())
            deadline = time.monotonic() + timeout
            while not passed.is_set():
                watch = self._watch
                if watch is None or watch.finished.is_set():
                    check(self._position_now())  # the last update may still be on its way
                    return passed.is_set()
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                wait_for(passed, min(remaining, 0.05))
            return True
        finally:
            self._rbv_waiters.remove(check)

    def move_timeout(self) -> float:
        """Seconds a move to the current target may take before it counts as failed."""
        velocity, readback, watch = self._velo.cached, self._rbv.cached, self._watch
        if watch is None or not velocity or readback is None or velocity <= 0:
            return self.settle_timeout + 60.0
        return abs(watch.target - float(readback)) / float(velocity) * 1.5 + self.settle_timeout

    def waitWhileBusy(self, timeout: float | None = None) -> None:
        """Wait for the move to be over, then raise DeviceError unless it ended where asked."""
        watch = self._watch
        if watch is None:
            return
        limit = self.move_timeout() if timeout is None else timeout
        over = watch.wait(limit, wait_for)
        if over and self._off_target(watch) and watch.rearm():
            # No fault, just not there: a late IOC may still run this move (its DMOV cycle seen so
            # far was an earlier one's). Wait for one more cycle; if none starts, it fails below.
            log.debug("%s: over but not at %s; waiting for one more DMOV cycle", self.name, watch.target)
            over = watch.wait(self.move_timeout() if timeout is None else timeout, wait_for)
        if watch.put_error is not None:
            raise DeviceError(watch.put_error)
        if not over:
            where = self._position_now()
            if watch.never_started():
                why = self._failure(watch, where)
                if why is None:
                    return  # at the target with no fault: DMOV's cycle was lost, the move is fine
                if why.startswith("not within") and not watch.rearmed:
                    why = f"did not start moving within {self.start_timeout:g} s of the put (DMOV stayed 1)"
            else:
                why = f"not done within {limit:.3g} s (DMOV={watch.dmov})"
            raise DeviceError(f"{self.name}: move to {watch.target:g} stopped at {self._fmt(where)}: {why}")
        self._check(watch)

    def _off_target(self, watch: MoveWatch) -> bool:
        """True if the only thing wrong is the position (no fault the record reported)."""
        rbv = self._rbv.cached
        return off_target(watch, self._state(float("nan") if rbv is None else float(rbv)), self.tolerance)

    def _state(self, rbv: float) -> RecordState:
        val = self._val.cached
        return RecordState(rbv=rbv, val=None if val is None else float(val), hls=_flag(self._hls.cached),
                           lls=_flag(self._lls.cached), lvio=_flag(self._lvio.cached),
                           miss=_flag(self._miss.cached), msta=int(float(self._msta.cached or 0)),
                           spmg=SPMG_GO if self._spmg.cached is None else int(self._spmg.cached))

    def _failure(self, watch: MoveWatch, rbv: float) -> str | None:
        name = "tolerance" if self._tolerance is not None else "RDBD"
        return failure(watch, self._state(rbv), self.tolerance, name)

    def _check(self, watch: MoveWatch) -> None:
        rbv = self._rbv.cached
        why = self._failure(watch, float("nan") if rbv is None else float(rbv))
        if why is None:
            return
        # failures only: one fresh read, since RBV's last monitor update may still be on its way
        # (monitors of different PVs are not ordered); the move failed only if that read agrees
        where = self._position_now()
        why = self._failure(watch, where)
        if why is None:
            return
        raise DeviceError(f"{self.name}: move to {watch.target:g} stopped at {self._fmt(where)}: {why}")

    def _position_now(self) -> float:
        try:
            return float(self._rbv.get())
        except DeviceError:
            cached = self._rbv.cached
            return float("nan") if cached is None else float(cached)

    def stop(self) -> None:
        """Ask the record to stop (STOP=1); a move in flight then ends where the motor halts.

        Only a STOP from elsewhere (an operator) makes the move fail."""
        watch = self._watch
        if watch is not None and not watch.finished.is_set():
            watch.stop_requested = True
        if not self._stop.connected:
            log.warning("%s: cannot stop, %s is not connected", self.name, self._stop.pvname)
            return
        try:
            self._stop.put(1)
        except DeviceError:
            log.warning("%s: stop request failed", self.name, exc_info=True)

    def close(self) -> None:
        """Drop the channels (the device is unusable afterwards)."""
        for channel in self._channels:
            channel.disconnect()
