"""An areaDetector NDFileHDF5 plugin capturing a scan's frames into files of its own.

One capture = one file: Stream mode, NumCapture frames, Capture=1 with a put-callback that
completes when the file is closed. Progress and faults come from monitors (NumCaptured_RBV,
Capture_RBV, WriteStatus, DroppedArrays_RBV) into one condition, so waiting for frames is never
a sleep and a fault ends the wait at once.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gda_bridge.core.errors import DeviceError

from ._pv_backend import CONNECTION_TIMEOUT, Channel, Completion, as_text, connect_all, done_completion

log = logging.getLogger("gda_bridge.epics")

#: FileTemplate the driver sets: "<folder>/<FileName>-<FileNumber, 6 digits>.h5".
FILE_TEMPLATE = "%s%s-%6.6d.h5"
#: areaDetector's Compression enum strings the driver accepts.
COMPRESSIONS = ("None", "N-bit", "szip", "zlib", "Blosc", "BSLZ4", "LZ4", "JPEG")
_STREAM = 2
_WRITE_ERROR = "Write error"


@dataclass
class CapturedFile:
    """One capture's file: its full name and the frames written to it."""

    path: str
    written: int


class FileCapture:
    """The file plugin at ``{prefix}{plugin}`` of device ``device``."""

    def __init__(self, device: str, prefix: str, plugin: str, *, compression: str = "None",
                 frames_per_chunk: int = 1, connection_timeout: float = CONNECTION_TIMEOUT,
                 timeout: float = 10.0) -> None:
        if compression not in COMPRESSIONS:
            raise DeviceError(f"{device}: compression {compression!r} is not one of the file plugin's "
                              f"{', '.join(COMPRESSIONS)}")
        if int(frames_per_chunk) < 1:
            raise DeviceError(f"{device}: frames_per_chunk {frames_per_chunk} must be at least 1")
        self.device = device
        self.compression = compression
        self.frames_per_chunk = int(frames_per_chunk)
        self.timeout = timeout
        p = f"{prefix}{plugin}"
        self.prefix = p
        self._changed = threading.Condition()
        self._captured = 0
        self._capturing = False
        self._write_error = False
        self._dropped = 0
        self._received = 0  # frames the plugin received since arm (ArrayCounter_RBV, reset there)
        self._received_uid = -1  # UniqueId of the last frame it received
        self._stamps: dict[int, float] = {}  # TimeStamp_RBV of each frame received since arm, by UniqueId

        def ch(name: str, **kw: Any) -> Channel:
            return Channel(f"{p}{name}", device, **kw)

        self._enable = ch("EnableCallbacks")
        self._path = ch("FilePath")
        self._path_exists = ch("FilePathExists_RBV")
        self._name = ch("FileName")
        self._number = ch("FileNumber")
        self._auto_increment = ch("AutoIncrement")
        self._template = ch("FileTemplate")
        self._full_name = ch("FullFileName_RBV")
        self._mode = ch("FileWriteMode")
        self._num_capture = ch("NumCapture")
        self._compression = ch("Compression")
        self._chunks = ch("NumFramesChunks")
        self._message = ch("WriteMessage")
        self._capture = ch("Capture")
        self._array_counter = ch("ArrayCounter")
        self._time_stamp = ch("TimeStamp_RBV", monitor=True)  # posted before the frame's UniqueId
        self._unique_id = ch("UniqueId_RBV", monitor=True, on_value=self._on_uid)
        self._counter_rbv = ch("ArrayCounter_RBV", monitor=True, on_value=self._on_received)
        self._num_captured = ch("NumCaptured_RBV", monitor=True, on_value=self._on_captured)
        self._capture_rbv = ch("Capture_RBV", monitor=True, on_value=self._on_capture_rbv)
        self._status = ch("WriteStatus", monitor=True, text=True, on_value=self._on_status)
        self._dropped_pv = ch("DroppedArrays_RBV", monitor=True, on_value=self._on_dropped)
        self.channels = [self._enable, self._path, self._path_exists, self._name, self._number,
                         self._auto_increment, self._template, self._full_name, self._mode, self._num_capture,
                         self._compression, self._chunks, self._message, self._capture, self._array_counter,
                         self._time_stamp, self._unique_id, self._counter_rbv,
                         self._num_captured, self._capture_rbv, self._status, self._dropped_pv]
        connect_all(self.channels, connection_timeout, f"AreaDetector {device} file plugin {p}")
        self._completion: Completion = done_completion(f"{device}: capture")
        self._dropped_at_start = 0

    # -- monitors (CA threads) -------------------------------------------------------------

    def _on_captured(self, value: Any) -> None:
        with self._changed:
            self._captured = int(value)
            self._changed.notify_all()

    def _on_uid(self, value: Any) -> None:
        stamp = self._time_stamp.cached
        with self._changed:
            self._received_uid = int(value)
            if stamp is not None:
                self._stamps[int(value)] = float(stamp)
            self._changed.notify_all()

    def _on_received(self, value: Any) -> None:
        with self._changed:
            self._received = int(value)
            self._changed.notify_all()

    def _on_capture_rbv(self, value: Any) -> None:
        with self._changed:
            self._capturing = int(value) == 1
            self._changed.notify_all()

    def _on_status(self, value: Any) -> None:
        with self._changed:
            self._write_error = str(value) == _WRITE_ERROR or str(value) == "1"
            self._changed.notify_all()

    def _on_dropped(self, value: Any) -> None:
        with self._changed:
            self._dropped = int(value)
            self._changed.notify_all()

    # -- scan thread -----------------------------------------------------------------------

    @property
    def captured(self) -> int:
        """Frames written to the current capture's file (NumCaptured_RBV)."""
        with self._changed:
            return self._captured

    def arm(self, folder: Path, file_name: str, file_number: int, frames: int) -> str:
        """Start a capture of ``frames`` frames into ``folder``; returns the file's full name.

        Raises DeviceError naming the device and the path if the plugin cannot write there.
        """
        what = f"{self.device}: file plugin {self.prefix}"
        self._enable.put_complete(1, f"{what} EnableCallbacks").wait(self.timeout)
        self._path.put_text(f"{folder}/", f"{what} FilePath", self.timeout)
        if int(self._path_exists.get()) != 1:
            raise DeviceError(f"{self.device}: the file plugin {self.prefix} cannot write to {folder}/ "
                              f"(FilePathExists_RBV=0)")
        self._name.put_text(file_name, f"{what} FileName", self.timeout)
        self._template.put_text(FILE_TEMPLATE, f"{what} FileTemplate", self.timeout)
        self._number.put_complete(file_number, f"{what} FileNumber").wait(self.timeout)
        self._auto_increment.put_complete(0, f"{what} AutoIncrement").wait(self.timeout)
        self._mode.put_complete(_STREAM, f"{what} FileWriteMode=Stream").wait(self.timeout)
        self._num_capture.put_complete(frames, f"{what} NumCapture").wait(self.timeout)
        self._compression.put_complete(COMPRESSIONS.index(self.compression),
                                       f"{what} Compression={self.compression}").wait(self.timeout)
        self._chunks.put_complete(self.frames_per_chunk, f"{what} NumFramesChunks").wait(self.timeout)
        self._array_counter.put_complete(0, f"{what} ArrayCounter=0").wait(self.timeout)
        dropped = int(self._dropped_pv.get())  # never a CA read under the lock the CA callbacks take
        with self._changed:
            self._stamps.clear()
            self._dropped_at_start = dropped
            self._dropped = max(self._dropped, dropped)
        self._completion = self._capture.put_complete(1, f"{what} capture into {folder}/")
        with self._changed:
            self._changed.wait_for(lambda: self._capturing or self._completion.done(), self.timeout)
        status, captured = str(self._status.get()), int(self._num_captured.get())
        with self._changed:
            self._write_error = status == _WRITE_ERROR
            self._captured = captured
            started = self._capturing and not self._write_error
        if not started:
            reason = self.message() or f"Capture did not start within {self.timeout:g} s"
            raise DeviceError(f"{self.device}: the file plugin {self.prefix} did not start writing into "
                              f"{folder}/: {reason}")
        full = as_text(self._full_name.get())
        log.info("%s: capturing %d frames into %s", self.device, frames, full)
        return full

    def message(self) -> str:
        """WriteMessage on one line (an IOC may pass on a library's multi-line message)."""
        return " ".join(as_text(self._message.get()).split())

    def wait_frames(self, last_uid: int, timeout: float) -> int:
        """Wait until the plugin has received frame ``last_uid`` and written every frame it
        received; returns the frames in the file. DeviceError on a fault or after ``timeout``."""
        with self._changed:
            self._changed.wait_for(lambda: self._settled(last_uid) or self._fault_locked() is not None, timeout)
            fault = self._fault_locked()
            settled = self._settled(last_uid)
            captured, received, uid = self._captured, self._received, self._received_uid
        if fault is not None and fault.endswith("write error"):
            fault = f"{fault}: {self.message() or 'no message'}"
        if fault is not None and not settled:
            raise DeviceError(f"{self.device}: {fault}")
        if not settled and uid < last_uid:
            raise DeviceError(f"{self.device}: frame {last_uid} did not reach the file plugin {self.prefix} within "
                              f"{timeout:g} s (frames lost; last received {uid}, {captured} in the file)")
        if not settled:
            raise DeviceError(f"{self.device}: the file plugin {self.prefix} wrote {captured} of the {received} "
                              f"frames it received within {timeout:g} s (frames lost)")
        if fault is not None:
            raise DeviceError(f"{self.device}: {fault}")
        return captured

    def wait_captured(self, count: int, timeout: float) -> int:
        """Wait until ``count`` frames are in the file, the capture has ended or a fault shows;
        returns the frames in the file (the caller judges whether that is enough)."""
        with self._changed:
            self._changed.wait_for(lambda: self._captured >= count or not self._capturing
                                   or self._fault_locked() is not None, timeout)
            return self._captured

    def fault(self) -> str | None:
        """What is wrong with the capture now (a write error, dropped frames), or None."""
        with self._changed:
            fault = self._fault_locked()
        if fault is not None and fault.endswith("write error"):
            fault = f"{fault}: {self.message() or 'no message'}"
        return fault

    def time_stamps(self, first_uid: int, last_uid: int) -> list[float | None]:
        """TimeStamp_RBV of frames ``first_uid..last_uid`` as they reached the plugin (None for a
        frame whose update Channel Access folded into the next)."""
        with self._changed:
            return [self._stamps.get(u) for u in range(first_uid, last_uid + 1)]

    @property
    def num_captured_pv(self) -> str:
        return self._num_captured.pvname

    def _settled(self, last_uid: int) -> bool:
        dropped = self._dropped - self._dropped_at_start
        return self._received_uid >= last_uid and self._captured + dropped >= self._received

    def _fault_locked(self) -> str | None:
        if self._write_error:
            return f"the file plugin {self.prefix} reports a write error"  # the message: read outside the lock
        dropped = self._dropped - self._dropped_at_start
        if dropped > 0:
            return f"the file plugin {self.prefix} dropped {dropped} frames (DroppedArrays_RBV)"
        if not self._capturing and self._captured + dropped < self._received:
            return (f"the file plugin {self.prefix} stopped capturing after {self._captured} of the "
                    f"{self._received} frames it received")
        return None

    def finish(self) -> int:
        """End the capture (Capture=0 if it still runs) and wait until the file is closed;
        returns the frames in the file."""
        if not self._completion.done() and self._capture.connected:
            self._capture.put(0)
        try:
            self._completion.wait(self.timeout)
        except DeviceError as exc:
            log.warning("%s: %s", self.device, exc)
        # Capture_RBV goes to 0 once the file is closed; a Capture=1 put-callback may complete
        # before that (the simulated IOC completes it on the plain Capture=0 put).
        with self._changed:
            closed = not self._capture_rbv.connected or self._changed.wait_for(lambda: not self._capturing,
                                                                                self.timeout)
        if not closed:
            log.warning("%s: %sCapture_RBV still 1 %g s after the capture ended", self.device, self.prefix,
                        self.timeout)
        return int(self._num_captured.get()) if self._num_captured.connected else self.captured

    @property
    def capturing(self) -> bool:
        return not self._completion.done()

    def close(self) -> None:
        for channel in self.channels:
            channel.disconnect()
