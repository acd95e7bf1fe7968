"""AreaDetector: an areaDetector camera (cam1:) and its image plugin (image1:) as a GDA detector.

Frames stay on the Python side: ``readout`` returns the frame as a numpy uint16 (ny, nx) array.
"""

from __future__ import annotations

import logging
import threading

import numpy as np

from gda_bridge.core.errors import DeviceError
from gda_bridge.devices import DetectorBase

from ._pv_backend import CONNECTION_TIMEOUT, Channel, Completion, connect_all, done_completion, get_many

log = logging.getLogger("gda_bridge.epics")

#: Seconds allowed beyond the exposure for a frame to be acquired and reach the image plugin.
SETTLE_TIMEOUT = 10.0
_SINGLE = 0


class AreaDetector(DetectorBase):
    """Camera at ``{prefix}{cam}``, frames from ``{prefix}{image}ArrayData`` (served as DBR_SHORT).

    Collection time = AcquireTime; ``collectData`` puts Acquire=1 with a put-callback.
    ``prepareForCollection`` sets ImageMode=Single (one frame per point). ``readout`` waits until
    the image plugin's UniqueId shows the new frame, then reads it.
    """

    def __init__(self, name: str, prefix: str, *, cam: str = "cam1:", image: str = "image1:",
                 connection_timeout: float = CONNECTION_TIMEOUT, settle_timeout: float = SETTLE_TIMEOUT) -> None:
        super().__init__(name)
        self.inputNames = []
        self.extraNames = []
        self.outputFormat = []
        self.settle_timeout = settle_timeout
        c, i = f"{prefix}{cam}", f"{prefix}{image}"
        self._acquire = Channel(f"{c}Acquire", name)
        self._acquire_time = Channel(f"{c}AcquireTime", name)
        self._image_mode = Channel(f"{c}ImageMode", name)
        self._num_images = Channel(f"{c}NumImages", name)
        self._size_x = Channel(f"{i}ArraySize0_RBV", name)
        self._size_y = Channel(f"{i}ArraySize1_RBV", name)
        self._data = Channel(f"{i}ArrayData", name)
        self._uid_changed = threading.Condition()
        self._last_uid = -1
        self._uid = Channel(f"{i}UniqueId_RBV", name, monitor=True, on_value=self._on_uid)
        self._channels = [self._acquire, self._acquire_time, self._image_mode, self._num_images,
                          self._size_x, self._size_y, self._data, self._uid]
        connect_all(self._channels, connection_timeout, f"AreaDetector {name}")
        self._exposure = float(self._acquire_time.get())
        super().setCollectionTime(self._exposure)
        self._shape = self._read_shape()
        self._on_uid(self._uid.get())
        self._expected_uid = self._last_uid
        self._acquisition: Completion = done_completion(f"{name}: acquire")

    def _on_uid(self, value: object) -> None:
        with self._uid_changed:
            self._last_uid = max(self._last_uid, int(value))  # type: ignore[call-overload]
            self._uid_changed.notify_all()

    def _read_shape(self) -> tuple[int, int]:
        nx, ny = (int(v) for v in get_many([self._size_x, self._size_y]))
        return ny, nx

    def prepareForCollection(self) -> None:
        self._image_mode.put_complete(_SINGLE, f"{self.name}: ImageMode=Single").wait(self.settle_timeout)
        self._num_images.put_complete(1, f"{self.name}: NumImages=1").wait(self.settle_timeout)
        self._shape = self._read_shape()

    def collectData(self) -> None:
        exposure = float(self.getCollectionTime())
        if exposure != self._exposure:
            self._acquire_time.put_complete(exposure, f"{self.name}: AcquireTime={exposure:g}") \
                .wait(self.settle_timeout)
            self._exposure = exposure
        with self._uid_changed:
            self._expected_uid = self._last_uid + 1
        self._acquisition = self._acquire.put_complete(1, f"{self.name}: acquire for {exposure:g} s")

    def getStatus(self) -> int:
        if not self._acquisition.done():
            return self.BUSY
        return self.FAULT if self._acquisition.failed else self.IDLE

    def waitWhileBusy(self, timeout: float | None = None) -> None:
        self._acquisition.wait(self._exposure + self.settle_timeout if timeout is None else timeout)

    def readout(self) -> np.ndarray:
        with self._uid_changed:
            arrived = self._uid_changed.wait_for(lambda: self._last_uid >= self._expected_uid,
                                                 self.settle_timeout)
        if not arrived:
            raise DeviceError(f"{self.name}: frame {self._expected_uid} did not reach {self._uid.pvname} "
                              f"within {self.settle_timeout:g} s (last {self._last_uid})")
        ny, nx = self._shape
        data = self._data.get(count=nx * ny, timeout=self.settle_timeout)
        frame = np.asarray(data)
        if frame.size != nx * ny:
            raise DeviceError(f"{self.name}: frame has {frame.size} pixels, expected {nx}x{ny}")
        return frame.astype(np.int16, copy=False).view(np.uint16).reshape(ny, nx)

    def getDataDimensions(self) -> tuple[int, int]:
        return self._shape

    def stop(self) -> None:
        if self._acquire.connected:
            self._acquire.put(0)
        else:
            log.warning("%s: cannot stop, %s is not connected", self.name, self._acquire.pvname)

    def close(self) -> None:
        for ch in self._channels:
            ch.disconnect()
