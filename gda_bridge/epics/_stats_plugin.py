"""An areaDetector NDStats plugin's per-frame statistics, summed over the frames of a point.

The plugin posts Total/Max/Mean of a frame before its UniqueId_RBV; each UniqueId update takes
the values monitored just before it, so every frame's statistics are kept (not only the last).
"""

from __future__ import annotations

import threading
from typing import Any

from gda_bridge.core.errors import DeviceError

from ._pv_backend import CONNECTION_TIMEOUT, Channel, connect_all

#: Columns a stats plugin adds to a file-writing detector's readout.
STATS_FIELDS = ("total", "max", "mean")


class StatsPlugin:
    """NDStats at ``{prefix}{plugin}`` of device ``device``."""

    def __init__(self, device: str, prefix: str, plugin: str, *,
                 connection_timeout: float = CONNECTION_TIMEOUT, timeout: float = 10.0) -> None:
        self.device = device
        self.prefix = f"{prefix}{plugin}"
        self.timeout = timeout
        self._changed = threading.Condition()
        self._frames: dict[int, tuple[float, float, float]] = {}
        self._last_uid = -1

        def ch(name: str, **kw: Any) -> Channel:
            return Channel(f"{self.prefix}{name}", device, **kw)

        self._enable = ch("EnableCallbacks")
        self._compute = ch("ComputeStatistics")
        self._total = ch("Total_RBV", monitor=True)
        self._max = ch("MaxValue_RBV", monitor=True)
        self._mean = ch("MeanValue_RBV", monitor=True)
        self._uid = ch("UniqueId_RBV", monitor=True, on_value=self._on_uid)
        self.channels = [self._enable, self._compute, self._total, self._max, self._mean, self._uid]
        connect_all(self.channels, connection_timeout, f"AreaDetector {device} stats plugin {self.prefix}")

    def _on_uid(self, value: Any) -> None:
        uid = int(value)
        values = (self._total.cached, self._max.cached, self._mean.cached)
        with self._changed:
            if uid > self._last_uid and None not in values:
                self._frames[uid] = tuple(float(v) for v in values)  # type: ignore[assignment]
            self._last_uid = max(self._last_uid, uid)
            self._changed.notify_all()

    def enable(self) -> None:
        what = f"{self.device}: stats plugin {self.prefix}"
        self._enable.put_complete(1, f"{what} EnableCallbacks").wait(self.timeout)
        self._compute.put_complete(1, f"{what} ComputeStatistics").wait(self.timeout)
        with self._changed:
            self._frames.clear()

    def point(self, first_uid: int, last_uid: int) -> list[float]:
        """Total (summed), Max (largest) and Mean (averaged) over frames ``first_uid..last_uid``."""
        with self._changed:
            self._changed.wait_for(lambda: self._last_uid >= last_uid, self.timeout)
            frames = [self._frames.pop(u, None) for u in range(first_uid, last_uid + 1)]
            for u in [u for u in self._frames if u < first_uid]:
                del self._frames[u]
        missing = [u for u, f in zip(range(first_uid, last_uid + 1), frames, strict=True) if f is None]
        if missing:
            raise DeviceError(f"{self.device}: the stats plugin {self.prefix} has no statistics of frames "
                              f"{missing[0]}..{missing[-1]} ({len(missing)} of {len(frames)}) within "
                              f"{self.timeout:g} s")
        totals, maxima, means = zip(*frames, strict=True)
        return [float(sum(totals)), float(max(maxima)), float(sum(means) / len(means))]

    def close(self) -> None:
        for channel in self.channels:
            channel.disconnect()
