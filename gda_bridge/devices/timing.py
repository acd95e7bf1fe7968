"""A scannable whose position is the time since the scan started: moving it to t waits until t.

It is what time scans (``timescan``, ``tscan``) step through.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from gda_bridge.devices.base import ScannableBase, as_list
from gda_bridge.devices.waiting import wait_for


class TimeScannable(ScannableBase):
    def __init__(self, name: str = "time") -> None:
        super().__init__(name)
        self.inputNames = [name]
        self.outputFormat = ["%.3f"]
        self.level = 0
        self.units = "s"

    def _init_state(self) -> None:
        super()._init_state()
        self._t0 = time.monotonic()
        self._deadline = self._t0
        self._stopped = threading.Event()

    def atScanStart(self) -> None:
        self._t0 = self._deadline = time.monotonic()
        self._stopped.clear()

    def rawGetPosition(self) -> float:
        return time.monotonic() - self._t0

    def rawAsynchronousMoveTo(self, position: Any) -> None:
        self._deadline = self._t0 + float(as_list(position)[0])

    def isBusy(self) -> bool:
        return time.monotonic() < self._deadline and not self._stopped.is_set()

    def waitWhileBusy(self) -> None:
        remaining = self._deadline - time.monotonic()
        if remaining > 0:
            wait_for(self._stopped, remaining)

    def stop(self) -> None:
        self._stopped.set()
