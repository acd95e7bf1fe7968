"""AreaDetector: an areaDetector camera (cam1:) and its image plugin (image1:) as a GDA detector.

Preview mode (no file plugin): ``readout`` returns the frame as a numpy array of the pixel type
the image plugin reports (DataType_RBV), (ny, nx) in Mono and (ny, nx, 3) in RGB1/RGB2/RGB3.
File-writing mode (``file_plugin`` given): the file plugin writes the frames, ``readout`` returns
scalars and the scan file links the frames (gda_bridge.epics._file_mode). In this mode the camera
is also the buffered detector of a hardware-triggered line (gda_bridge.epics._file_line).
"""

from __future__ import annotations

import logging
import threading

import numpy as np

from gda_bridge.core.documents import ExternalFrames
from gda_bridge.core.errors import DeviceError
from gda_bridge.devices import DetectorBase

from ._file_capture import FileCapture
from ._file_line import DEAD_TIME, FileWritingLine
from ._file_mode import FileWritingScan
from ._nd_frames import FRAME_DTYPES, FrameFormat, check_carrier, decode, frame_format
from ._pv_backend import CONNECTION_TIMEOUT, Channel, Completion, connect_all, done_completion, get_many
from ._stats_plugin import StatsPlugin

log = logging.getLogger("gda_bridge.epics")

#: Seconds allowed beyond the exposure for a frame to be acquired and reach the image plugin.
SETTLE_TIMEOUT = 10.0
_SINGLE = 0
_MULTIPLE = 1


class AreaDetector(DetectorBase):
    """Camera at ``{prefix}{cam}``, frames from ``{prefix}{image}ArrayData``.

    Collection time = AcquireTime; ``collectData`` puts Acquire=1 with a put-callback.
    ``prepareForCollection`` sets ImageMode=Single (one frame per point) and takes the frame
    format (type, colour mode, size) from the image plugin's last frame. ``readout`` waits until
    the plugin's UniqueId shows the new frame, then reads its format and data; a frame whose
    format differs from the scan's first, or that ArrayData's type cannot carry, raises.
    """

    def __init__(self, name: str, prefix: str, *, cam: str = "cam1:", image: str = "image1:",
                 file_plugin: str | None = None, stats: str | None = None, frames_per_point: int = 1,
                 compression: str = "None", frames_per_chunk: int = 1, write_files: bool | None = None,
                 file_folder: str | None = None, line_dead_time: float = DEAD_TIME,
                 connection_timeout: float = CONNECTION_TIMEOUT, settle_timeout: float = SETTLE_TIMEOUT) -> None:
        super().__init__(name)
        if int(frames_per_point) < 1:
            raise DeviceError(f"{name}: frames_per_point {frames_per_point} must be at least 1")
        if write_files and file_plugin is None:
            raise DeviceError(f"{name}: write_files needs a file_plugin (e.g. file_plugin = \"HDF1:\")")
        if stats is not None and file_plugin is None:
            raise DeviceError(f"{name}: stats {stats!r} is read in file-writing mode only; give a file_plugin")
        self.frames_per_point = int(frames_per_point)
        self.inputNames = []
        self.extraNames = []
        self.outputFormat = []
        self.settle_timeout = settle_timeout
        c, i = f"{prefix}{cam}", f"{prefix}{image}"
        self._acquire = Channel(f"{c}Acquire", name)
        self._acquire_time = Channel(f"{c}AcquireTime", name)
        self._image_mode = Channel(f"{c}ImageMode", name)
        self._num_images = Channel(f"{c}NumImages", name)
        self._format_pvs = [Channel(f"{i}DataType_RBV", name, text=True),
                            Channel(f"{i}ColorMode_RBV", name, text=True),
                            *(Channel(f"{i}ArraySize{d}_RBV", name) for d in range(3))]
        self._data = Channel(f"{i}ArrayData", name)
        self._uid_changed = threading.Condition()
        self._last_uid = -1
        self._uid = Channel(f"{i}UniqueId_RBV", name, monitor=True, on_value=self._on_uid)
        self._channels = [self._acquire, self._acquire_time, self._image_mode, self._num_images,
                          *self._format_pvs, self._data, self._uid]
        connect_all(self._channels, connection_timeout, f"AreaDetector {name}")
        self._exposure = float(self._acquire_time.get())
        super().setCollectionTime(self._exposure)
        self._format: FrameFormat | None = None
        try:
            self._format = self._read_format()
        except DeviceError as exc:  # the camera may be set right before the first scan
            log.warning("%s", exc)
        #: The format of the scan's first frame, which every later frame must have.
        self._scan_format: FrameFormat | None = None
        self._on_uid(self._uid.get())
        self._expected_uid = self._last_uid
        self._acquisition: Completion = done_completion(f"{name}: acquire")
        #: File-writing mode: the default when a file plugin is configured.
        self._file_scan: FileWritingScan | None = None
        self._line: FileWritingLine | None = None
        if file_plugin is not None and write_files is not False:
            self._cam_format = [Channel(f"{c}DataType_RBV", name, text=True),
                                Channel(f"{c}ArraySizeX_RBV", name), Channel(f"{c}ArraySizeY_RBV", name),
                                Channel(f"{c}UniqueId_RBV", name)]
            capture = FileCapture(name, prefix, file_plugin, compression=compression,
                                  frames_per_chunk=frames_per_chunk, connection_timeout=connection_timeout,
                                  timeout=settle_timeout)
            stats_plugin = None if stats is None else StatsPlugin(name, prefix, stats,
                                                                   connection_timeout=connection_timeout,
                                                                   timeout=settle_timeout)
            connect_all(self._cam_format, connection_timeout, f"AreaDetector {name}")
            self._channels += [*self._cam_format, *capture.channels, *(stats_plugin.channels if stats_plugin else [])]
            self._file_scan = FileWritingScan(name, capture, stats_plugin, self.frames_per_point,
                                              self._cam_format[3], file_folder)
            self._line = FileWritingLine(name, c, self._file_scan, acquire=self._acquire,
                                         acquire_time=self._acquire_time, image_mode=self._image_mode,
                                         num_images=self._num_images, timeout=settle_timeout,
                                         dead_time=line_dead_time)
            connect_all(self._line.channels, connection_timeout, f"AreaDetector {name}")
            self._channels += self._line.channels
            self.extraNames = self._file_scan.field_names
            self.outputFormat = ["%d", "%d", *(["%.6g"] * (len(self.extraNames) - 2))]

    @property
    def writes_files(self) -> bool:
        """Whether the file plugin writes the frames (file-writing mode)."""
        return self._file_scan is not None

    def external_frames(self) -> ExternalFrames | None:
        """In file-writing mode, where the scan's frames will be (for the scan's ScanStart)."""
        if self._file_scan is None:
            return None
        data_type, nx, ny, _uid = get_many(self._cam_format)
        if str(data_type) not in FRAME_DTYPES:
            raise DeviceError(f"{self.name}: the camera's DataType {data_type} has no numpy type")
        return self._file_scan.external_frames((int(ny), int(nx)), FRAME_DTYPES[str(data_type)].str)

    def _on_uid(self, value: object) -> None:
        with self._uid_changed:
            self._last_uid = max(self._last_uid, int(value))  # type: ignore[call-overload]
            self._uid_changed.notify_all()

    def _read_format(self) -> FrameFormat:
        """The image plugin's last frame format; DeviceError if it cannot be read faithfully."""
        data_type, color_mode, *sizes = get_many(self._format_pvs)
        fmt = frame_format(self.name, str(data_type), str(color_mode), tuple(int(v) for v in sizes))
        check_carrier(self.name, self._data.pvname, self._data.element_dtype, fmt)
        return fmt

    def prepareForCollection(self) -> None:
        if self._file_scan is not None:
            n = self.frames_per_point
            self._image_mode.put_complete(_MULTIPLE, f"{self.name}: ImageMode=Multiple").wait(self.settle_timeout)
            self._num_images.put_complete(n, f"{self.name}: NumImages={n}").wait(self.settle_timeout)
            self._file_scan.start()
            return
        self._image_mode.put_complete(_SINGLE, f"{self.name}: ImageMode=Single").wait(self.settle_timeout)
        self._num_images.put_complete(1, f"{self.name}: NumImages=1").wait(self.settle_timeout)
        self._format = self._read_format()
        self._scan_format = None

    def collectData(self) -> None:
        exposure = float(self.getCollectionTime())
        if exposure != self._exposure:
            self._acquire_time.put_complete(exposure, f"{self.name}: AcquireTime={exposure:g}") \
                .wait(self.settle_timeout)
            self._exposure = exposure
        if self._file_scan is not None:
            self._file_scan.before_point()
        with self._uid_changed:
            self._expected_uid = self._last_uid + 1
        self._acquisition = self._acquire.put_complete(1, f"{self.name}: acquire for {exposure:g} s")

    def getStatus(self) -> int:
        if not self._acquisition.done():
            return self.BUSY
        return self.FAULT if self._acquisition.failed else self.IDLE

    def waitWhileBusy(self, timeout: float | None = None) -> None:
        self._acquisition.wait(self._exposure + self.settle_timeout if timeout is None else timeout)

    def readout(self) -> np.ndarray | list[float]:
        if self._file_scan is not None:
            return self._file_scan.readout(self._exposure * self.frames_per_point + self.settle_timeout)
        with self._uid_changed:
            arrived = self._uid_changed.wait_for(lambda: self._last_uid >= self._expected_uid,
                                                 self.settle_timeout)
        if not arrived:
            raise DeviceError(f"{self.name}: frame {self._expected_uid} did not reach {self._uid.pvname} "
                              f"within {self.settle_timeout:g} s (last {self._last_uid})")
        fmt = self._read_format()
        expected = self._scan_format or self._format or fmt
        if fmt.shape != expected.shape or (self._scan_format is not None and fmt != self._scan_format):
            raise DeviceError(f"{self.name}: frame {self._expected_uid} is {fmt.describe()}, the scan's frames "
                              f"are {expected.describe()}; take a frame after changing the camera's settings")
        self._scan_format = fmt
        raw = np.asarray(self._data.get(count=fmt.pixels, timeout=self.settle_timeout))
        if raw.size != fmt.pixels:
            raise DeviceError(f"{self.name}: {self._data.pvname} has {raw.size} elements, "
                              f"a {fmt.describe()} frame needs {fmt.pixels}")
        return decode(raw, fmt)

    def getDataDimensions(self) -> tuple[int, ...]:
        if self._file_scan is not None:
            return ()
        if self._format is None:
            self._format = self._read_format()
        return self._format.shape

    # -- a buffered detector of a continuous line (file-writing mode only) ---------------------

    def _line_mode(self) -> FileWritingLine:
        if self._line is None:
            raise DeviceError(f"{self.name}: a continuous line needs file-writing mode (file_plugin)")
        return self._line

    def prepareForLine(self, frames: int, seconds_per_bin: float) -> None:
        """Arm for ``frames`` external triggers: TriggerMode External, ImageMode Multiple,
        NumImages ``frames``, AcquireTime the collection time (shortened to leave the camera
        ``line_dead_time`` between triggers), the file capture of the scan going on, Acquire=1."""
        line = self._line_mode()
        self._exposure = line.prepare(int(frames), float(seconds_per_bin), float(self.getCollectionTime()))

    def waitForFrames(self, wanted: int) -> int:
        """Wait until ``wanted`` frames of the line are in the file (or a stop ended it); the
        frames readable."""
        return self._line_mode().wait(int(wanted))

    def getFramesReadable(self) -> int:
        """Frames of the line in the file now, without waiting."""
        return self._line.readable() if self._line is not None else 0

    def readFrames(self, start: int, end: int) -> list[list[float]]:
        """Frames ``start``..``end``-1 of the line, each with a step scan's point columns."""
        return self._line_mode().read(int(start), int(end))

    def atScanEnd(self) -> None:
        if self._line is not None:
            self._line.end()
        if self._file_scan is not None:
            self._file_scan.end()

    def atCommandFailure(self) -> None:
        if self._line is not None:
            self._line.end()
        if self._file_scan is not None:
            self._file_scan.end("the scan failed")

    def stop(self) -> None:
        if self._line is not None:
            self._line.stop()  # the line's frames in the file stay readable
        if self._acquire.connected:
            self._acquire.put(0)
        else:
            log.warning("%s: cannot stop, %s is not connected", self.name, self._acquire.pvname)
        if self._file_scan is not None:
            self._file_scan.end("the scan was stopped")

    def close(self) -> None:
        for ch in self._channels:
            ch.disconnect()
