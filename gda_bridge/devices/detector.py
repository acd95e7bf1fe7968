"""GDA's DetectorBase as a Python class: collectData starts, readout returns the data."""

from __future__ import annotations

import time
from typing import Any

from gda_bridge.devices.base import _BEAN_DEFAULTS, ScannableBase, default_hook


class DetectorBase(ScannableBase):
    """Subclasses give collectData (starts a collection and returns), getStatus and readout.

    With no extra names the detector has one column named after itself.
    """

    IDLE = 0
    BUSY = 1
    PAUSED = 2
    STANDBY = 3
    FAULT = 4
    MONITORING = 5
    _STATUS_NAMES = {0: "IDLE", 1: "BUSY", 2: "PAUSED", 3: "STANDBY", 4: "FAULT", 5: "MONITORING"}

    @classmethod
    def _bean_defaults(cls) -> dict[str, Any]:
        return {**_BEAN_DEFAULTS, "inputNames": [], "extraNames": [], "level": 100}

    def _init_state(self) -> None:
        super()._init_state()
        self.collectionTime = 0.0

    def collectData(self) -> None:
        """Start one collection; nothing to start by default."""

    def getStatus(self) -> int:
        return self.IDLE

    def readout(self) -> Any:
        raise NotImplementedError(f"{self.getName()}: {type(self).__name__} does not implement readout()")

    def setCollectionTime(self, seconds: float) -> None:
        self.collectionTime = float(seconds)

    def getCollectionTime(self) -> float:
        return float(self.collectionTime)

    @default_hook
    def prepareForCollection(self) -> None: ...

    @default_hook
    def endCollection(self) -> None: ...

    def createsOwnFiles(self) -> bool:
        return False

    def getDataDimensions(self) -> tuple[int, ...]:
        return ()

    def getDescription(self) -> str:
        return type(self).__name__

    def getDetectorID(self) -> str:
        return self.getName()

    def getDetectorType(self) -> str:
        return type(self).__name__

    def isBusy(self) -> bool:
        return self.getStatus() == self.BUSY

    def waitWhileBusy(self) -> None:
        delay = 20e-6
        while self.getStatus() == self.BUSY:
            time.sleep(delay)
            delay = min(delay * 2, 0.005)

    def getPosition(self) -> Any:
        return self.readout()

    def asynchronousMoveTo(self, collection_time: Any) -> None:
        """As in GDA: moving a detector sets its collection time and starts a collection."""
        if collection_time is not None:
            self.setCollectionTime(float(collection_time))
        self.collectData()

    def _field_names(self) -> list[str]:
        names = super()._field_names()
        return names or [self.getName()]

    def toFormattedString(self) -> str:
        try:
            status = self._STATUS_NAMES.get(int(self.getStatus()), str(self.getStatus()))
        except Exception as exc:
            status = f"<unavailable: {exc}>"
        return f"{self.getName()} : status={status}"
