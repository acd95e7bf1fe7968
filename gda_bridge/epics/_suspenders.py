"""Suspenders watching EPICS: a PV's value (ring current, shutter) and the IOCs of a scan's devices.

Both are event-driven: a Channel Access monitor or connection callback trips or clears them on a
CA thread, the moment the IOC reports; nothing polls.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Collection
from typing import Any

from gda_bridge.core.suspenders import Suspender, Threshold

from ._pv_backend import CONNECTION_TIMEOUT, Channel, connect_all, disconnected_channels, on_connection_change

log = logging.getLogger("gda_bridge.epics")

#: Seconds a point whose device failed waits for a lost IOC to be reported (it explains the failure).
FAILURE_GRACE = 1.0


class PVSuspender(Suspender):
    """Holds scans while a PV's value is bad (``below`` / ``above`` / ``equals`` / ``not_equals``,
    exactly one) or while the PV itself is disconnected.

    ``PVSuspender("ring current", "BL99:ring:current", below=10, units="mA", resume_after=5)``
    gives "ring current 0.2 < 10 mA". An enum PV (a shutter) compares by its state name:
    ``PVSuspender("shutter", "BL99:shutter:status", equals="Closed")``.
    """

    def __init__(self, name: str, pv: str, *, below: float | None = None, above: float | None = None,
                 equals: Any = None, not_equals: Any = None, units: str | None = None,
                 resume_after: float = 0.0, max_suspend: float | None = None,
                 connection_timeout: float = CONNECTION_TIMEOUT) -> None:
        super().__init__(name, resume_after=resume_after, max_suspend=max_suspend)
        self.threshold = Threshold(below=below, above=above, equals=equals, not_equals=not_equals)
        self.pv = pv
        self._lock_value = threading.Lock()
        self._enum: list[str] | None = None
        self._units = units
        self._ready = False
        self._channel = Channel(pv, f"suspender {name}", monitor=True, on_value=self._on_value)
        self._unsubscribe = on_connection_change(self._on_connection)
        try:
            connect_all([self._channel], connection_timeout, f"suspender {name}")
            controls = self._channel.pv.get_ctrlvars(timeout=connection_timeout) or {}
        except Exception:
            self.close()
            raise
        strings = controls.get("enum_strs")
        self._enum = list(strings) if strings else None
        if self._units is None:
            self._units = str(controls.get("units") or "")
        self._ready = True
        self._on_value(self._channel.get())

    @property
    def units(self) -> str:
        return self._units or ""

    def _as_shown(self, value: Any) -> Any:
        if self._enum is not None and isinstance(value, int) and 0 <= value < len(self._enum):
            return self._enum[value]
        return value

    def _on_value(self, value: Any) -> None:
        if not self._ready:
            return
        with self._lock_value:
            problem = self.threshold.problem(self.name, self._as_shown(value), self.units)
            if problem is None:
                self.clear()
            else:
                self.trip(problem)

    def _on_connection(self, channel: Channel, connected: bool) -> None:
        if channel is self._channel and not connected:
            self.trip(f"{self.name}: lost connection to {self.pv}")

    def close(self) -> None:
        self._unsubscribe()
        self._channel.disconnect()
        super().close()


class DisconnectSuspender(Suspender):
    """Holds a scan while a device of that scan has lost the IOC of one of its PVs.

    A point whose device fails because its IOC went away is retaken once the IOC is back (the
    engine waits up to ``failure_grace`` s for this suspender to explain the failure).
    """

    failure_grace = FAILURE_GRACE

    def __init__(self, name: str = "IOC connection", *, resume_after: float = 0.0,
                 max_suspend: float | None = None) -> None:
        super().__init__(name, resume_after=resume_after, max_suspend=max_suspend)
        self._devices: frozenset[str] = frozenset()
        self._watch_lock = threading.Lock()
        self._unsubscribe = on_connection_change(lambda _channel, _connected: self._evaluate())

    def watch(self, devices: Collection[str]) -> None:
        with self._watch_lock:
            self._devices = frozenset(devices)
        self._evaluate()

    def _evaluate(self) -> None:
        with self._watch_lock:
            lost = sorted((ch.device, ch.pvname) for ch in disconnected_channels() if ch.device in self._devices)
            if not lost:
                self.clear()
                return
            device, pv = lost[0]
            more = f" (and {len(lost) - 1} more PVs)" if len(lost) > 1 else ""
            self.trip(f"{device}: lost connection to {pv}{more}")

    def close(self) -> None:
        self._unsubscribe()
        super().close()
