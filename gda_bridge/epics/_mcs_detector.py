"""A multi-channel scaler as a buffered detector of continuous lines (gda.device.BufferedDetector).

Armed for n frames it takes n + 1 bins, advanced by the position-compare box's pulses: the first
bin runs from the start of the acquisition to the first pulse (the run-up), so frame k is bin
k + 1, the counts between pulse k and pulse k + 1. Its columns are the channels' names.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from gda_bridge.core.errors import DeviceError
from gda_bridge.devices.detector import DetectorBase

from ._mcs import EpicsMcs

log = logging.getLogger("gda_bridge.epics")

#: Seconds the scaler has, after the line's last pulse, to end its acquisition.
END_TIMEOUT_S = 5.0


class McsDetector(DetectorBase):
    """``EpicsMcs`` at ``prefix`` reading ``channels`` ({name: mca input}, or names for inputs 1, 2, ...),
    one frame per trigger; the columns are in the order given (post-scan analysis fits the last)."""

    def __init__(self, name: str, prefix: str, channels: dict[str, int] | Sequence[str] | None = None,
                 **options: Any) -> None:
        super().__init__(name)
        if channels is None:
            channels = {"clock": 1, "mon": 3, "det": 2}  # the last column is what the analysis fits
        elif not isinstance(channels, dict):
            channels = {str(n): i + 1 for i, n in enumerate(channels)}
        self.channel_numbers = {str(k): int(v) for k, v in channels.items()}
        self.mcs = EpicsMcs(name, prefix, channels=tuple(self.channel_numbers.values()), **options)
        self.extraNames = list(self.channel_numbers)
        self.outputFormat = ["%d"] * len(self.extraNames)
        self._frames = 0
        self._counts: dict[int, Any] | None = None

    def prepareForLine(self, frames: int, seconds_per_bin: float) -> None:
        self._frames = int(frames)
        self._counts = None
        self.mcs.configure(n_bins=self._frames + 1, external=True)
        self.mcs.start()

    def waitForFrames(self, wanted: int) -> int:
        try:
            self.mcs.wait_done(END_TIMEOUT_S)
        except DeviceError:
            self.mcs.stop()
            raise
        return min(int(wanted), self.getFramesReadable())

    def _read(self) -> dict[int, Any]:
        if self._counts is None or self.mcs.acquiring:
            self._counts = self.mcs.counts()
        return self._counts

    def getFramesReadable(self) -> int:
        if self.mcs.acquiring:
            return max(0, min(self._frames, self.mcs.current_bin() - 1))
        lengths = [len(c) for c in self._read().values()]
        return max(0, min(self._frames, min(lengths, default=0) - 1))

    def readFrames(self, start: int, end: int) -> list[list[float]]:
        counts = self._read()
        columns = [counts[i] for i in self.channel_numbers.values()]
        if any(len(c) < end + 1 for c in columns):
            raise DeviceError(f"{self.name}: frames {start}..{end - 1} asked for, the scaler holds "
                              f"{min(len(c) for c in columns) - 1}")
        return [[float(c[k + 1]) for c in columns] for k in range(start, end)]

    def stop(self) -> None:
        self.mcs.stop()

    def collectData(self) -> None:
        raise DeviceError(f"{self.name}: a multi-channel scaler counts on the triggers of a continuous line "
                          "(cvscan), not point by point")

    def readout(self) -> Any:
        raise DeviceError(f"{self.name}: read by frames after a continuous line (cvscan)")

    def getStatus(self) -> int:
        return self.BUSY if self.mcs.acquiring else self.IDLE

    def close(self) -> None:
        self.mcs.close()
