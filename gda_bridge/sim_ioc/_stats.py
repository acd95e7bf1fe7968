"""A simulated NDPluginStats (``STATS1:``): the basic statistics of each frame.

The camera cycles a few precomputed frames, so the statistics of a frame object are computed
once and kept (by identity) for its next appearances: at hundreds of frames a second the plugin
then costs a few monitor posts per frame, not a pass over the pixels.
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np

from ._fields import Field, double, enum, integer, with_readback
from ._plugin import NDFrame, PluginBase

STAT_NAMES = ("Total", "Net", "MeanValue", "MinValue", "MaxValue", "SigmaValue")
#: How many frames' statistics are kept (more than the camera's cycle of precomputed frames).
CACHE_SIZE = 16


def frame_stats(data: np.ndarray) -> dict[str, float]:
    """Total, Net (= Total: no background region), mean, min, max and standard deviation."""
    total = float(data.sum(dtype=np.float64))
    return {"Total": total, "Net": total, "MeanValue": total / data.size, "MinValue": float(data.min()),
            "MaxValue": float(data.max()), "SigmaValue": float(data.std(dtype=np.float64))}


class SimStats(PluginBase):
    """Posts the statistics of each frame, then its UniqueId_RBV."""

    def __init__(self) -> None:
        super().__init__("NDPluginStats")
        self.compute = with_readback(self.settings, "ComputeStatistics",
                                     enum("Yes", ("No", "Yes"), "compute the basic statistics"))
        self.values: dict[str, Field] = {}
        for name in STAT_NAMES:
            field = double(0.0, f"{name} of the last frame", precision=3)
            self.values[name] = field
            self.pvs[f"{name}_RBV"] = field
        # Accepted and echoed so clients that configure them connect; the simulation ignores them.
        for name, field in (("BgdWidth", integer(0, "background border (not used)")),
                            ("ComputeCentroid", enum("No", ("No", "Yes"), "centroid (not computed)")),
                            ("CentroidThreshold", double(0.0, "centroid threshold (not used)")),
                            ("ComputeProfiles", enum("No", ("No", "Yes"), "profiles (not computed)")),
                            ("ProfileSizeX", integer(0, "profile size x (not used)")),
                            ("ProfileSizeY", integer(0, "profile size y (not used)")),
                            ("CursorX", integer(0, "cursor x (not used)")),
                            ("CursorY", integer(0, "cursor y (not used)")),
                            ("ComputeHistogram", enum("No", ("No", "Yes"), "histogram (not computed)")),
                            ("HistSize", integer(256, "histogram bins (not used)")),
                            ("HistMin", double(0.0, "histogram low edge (not used)")),
                            ("HistMax", double(255.0, "histogram high edge (not used)"))):
            with_readback(self.settings, name, field)
        self.pvs.update(self.settings)
        self._cache: OrderedDict[int, tuple[np.ndarray, dict[str, float]]] = OrderedDict()

    def stats_of(self, data: np.ndarray) -> dict[str, float]:
        key = id(data)
        hit = self._cache.get(key)
        if hit is not None and hit[0] is data:
            self._cache.move_to_end(key)
            return hit[1]
        values = frame_stats(data)
        self._cache[key] = (data, values)  # holding the array keeps its id from being reused
        if len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)
        return values

    def on_frame(self, frame: NDFrame) -> None:
        self.note_received(frame)
        if self.compute.value == "Yes":
            for name, value in self.stats_of(frame.data).items():
                self.values[name].set(value)
        self.note_done(frame)
