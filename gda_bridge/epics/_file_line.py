"""A file-writing camera as the buffered detector of a hardware-triggered line (decision 0012).

Before the motion the camera is armed for the line's triggers (TriggerMode External, ImageMode
Multiple, NumImages = the line's points) and the file plugin's capture of the scan goes on, or a
new one is armed (gda_bridge.epics._file_mode): the frames go to the scan's detector files as in
a step scan (decision 0011). Frame k of the line is the one of trigger k; the line's last pulse
(it fires one more than its points, at the end of the last bin) finds the camera done and is not
a frame. After the motion each frame gives what a step scan's point gives: frames in the files so
far, its UniqueId, its statistics. Only frames in the file are ever readable.
"""

from __future__ import annotations

import logging
import threading

from gda_bridge.core.errors import DeviceError

from ._file_mode import FileWritingScan
from ._pv_backend import Channel, Completion, done_completion

log = logging.getLogger("gda_bridge.epics")

#: Seconds a camera needs between the end of one exposure and the next trigger: an exposure
#: longer than the bin less this is shortened, so no trigger comes while it exposes (a lost
#: trigger would shift every later frame onto the wrong bin).
DEAD_TIME = 1e-3
#: Frames further apart than this many bins were not taken at consecutive triggers of the line.
GAP_BINS = 1.5
_EXTERNAL = 1
_MULTIPLE = 1


class FileWritingLine:
    """The line state of file-writing camera ``device`` (camera PVs at ``cam``, e.g. ``BL99:cam1:``)."""

    def __init__(self, device: str, cam: str, scan: FileWritingScan, *, acquire: Channel, acquire_time: Channel,
                 image_mode: Channel, num_images: Channel, timeout: float, dead_time: float = DEAD_TIME) -> None:
        self.device = device
        self.scan = scan
        self.timeout = timeout
        self.dead_time = dead_time
        self._acquire = acquire
        self._acquire_time = acquire_time
        self._image_mode = image_mode
        self._num_images = num_images
        self._armed = threading.Event()
        self._stopping = threading.Event()
        self._stopped = threading.Event()
        self._acquire_rbv = Channel(f"{cam}Acquire_RBV", device, monitor=True, on_value=self._on_acquire_rbv)
        self._trigger_mode = Channel(f"{cam}TriggerMode", device)
        self._period = Channel(f"{cam}AcquirePeriod", device)
        self.channels = [self._acquire_rbv, self._trigger_mode, self._period]
        self._acquisition: Completion = done_completion(f"{device}: line acquisition")
        self._lock = threading.Lock()  # stop() comes from another thread during a wait
        self._saved_trigger_mode: int | None = None
        self.active = False
        self.frames = 0
        self._wait_timeout = 0.0
        self._seconds_per_bin = 0.0
        self._broken: str | None = None  # why the line's frames cannot be trusted
        self._base = 0  # frames in the capture's file before the line
        self._base_uid = 0  # the camera's UniqueId before the line: frame k is _base_uid + 1 + k
        self._offset = 0  # frames in the scan's files before the line (the 'frames' column)
        self._file = ""
        self._final: int | None = None  # frames readable, once the capture was closed by a stop
        self._committed = 0  # frames read back and counted as recorded points
        self._values: dict[int, list[float]] = {}

    def _on_acquire_rbv(self, value: object) -> None:
        if str(value) in ("1", "Acquire"):
            self._armed.set()
        else:
            self._armed.clear()

    # -- scan thread -----------------------------------------------------------------------------

    def prepare(self, frames: int, seconds_per_bin: float, exposure: float) -> float:
        """Arm for ``frames`` triggers ``seconds_per_bin`` apart; returns the exposure set."""
        if self.scan.frames_per_point != 1:
            raise DeviceError(f"{self.device}: a continuous line takes one frame per trigger; "
                              f"frames_per_point is {self.scan.frames_per_point}")
        if frames < 1:
            raise DeviceError(f"{self.device}: a line needs at least one frame, not {frames}")
        used = min(exposure, seconds_per_bin - self.dead_time)
        if used <= 0:
            raise DeviceError(f"{self.device}: {seconds_per_bin:g} s per bin leaves no time to expose "
                              f"(the camera needs {self.dead_time:g} s between frames)")
        if used < exposure:
            log.info("%s: exposure %g s shortened to %g s to take a trigger every %g s", self.device, exposure,
                     used, seconds_per_bin)
        self._end_acquisition()
        what = self.device
        if self._saved_trigger_mode is None:
            self._saved_trigger_mode = int(self._trigger_mode.get())
        for channel, value, name in ((self._trigger_mode, _EXTERNAL, "TriggerMode=External"),
                                     (self._image_mode, _MULTIPLE, "ImageMode=Multiple"),
                                     (self._num_images, frames, f"NumImages={frames}"),
                                     (self._acquire_time, used, f"AcquireTime={used:g}")):
            channel.put_complete(value, f"{what}: {name}").wait(self.timeout)
        self.scan.start_line(frames)
        period = float(self._period.get())
        with self._lock:
            self.active, self.frames, self._final, self._committed, self._values = True, frames, None, 0, {}
            self._broken = None
            self._base = self.scan.capture.captured
            self._base_uid = int(self.scan.camera_uid.get())
            self._offset = self.scan.frames_before + self.scan.recorded
            self._file = self.scan.file_name
            self._wait_timeout = frames * max(seconds_per_bin, used, period) + self.timeout
            self._seconds_per_bin = seconds_per_bin
        self._armed.clear()
        self._stopping.clear()
        self._stopped.clear()
        self._acquisition = self._acquire.put_complete(1, f"{what}: line of {frames} frames ({self._acquire.pvname})")
        if not self._armed.wait(self.timeout) and not self._acquisition.done():
            raise DeviceError(f"{what}: not acquiring within {self.timeout:g} s of Acquire=1 "
                              f"({self._acquire_rbv.pvname} is Done)")
        if self._acquisition.failed:
            self._acquisition.wait(0)
        log.info("%s: armed for %d triggers into %s", what, frames, self._file)
        return used

    def readable(self) -> int:
        """Frames of the line in the file now; none once their time stamps showed that they were
        not taken at consecutive triggers (which frames are the line's is then unknown)."""
        with self._lock:
            if not self.active:
                return 0
            got = self._final if self._final is not None else max(0, min(self.frames,
                                                                          self.scan.capture.captured - self._base))
        if self._broken is None:
            self._broken = self._gap(got)
        return 0 if self._broken is not None else got

    def wait(self, wanted: int) -> int:
        """Wait until ``wanted`` frames of the line are in the file, or a stop ended the line;
        returns the frames readable. DeviceError on a fault, when the capture or the camera ended
        without them, or when they do not come within the line's time plus the settle timeout."""
        if not self.active:
            raise DeviceError(f"{self.device}: no line prepared (prepareForLine was not called)")
        wanted = min(wanted, self.frames)
        timeout = self._wait_timeout
        capture = self.scan.capture
        capture.wait_captured(self._base + wanted, timeout)
        if self._stopping.is_set():  # the stop closes the file; what is in it is what there is
            self._stopped.wait(self.timeout)
        got = self.readable()
        if self._broken is not None:
            raise DeviceError(self._broken)
        if got >= wanted or self._stopping.is_set():
            return got
        fault = capture.fault()
        if fault is not None:
            raise DeviceError(f"{self.device}: {fault}")
        if not capture.capturing:
            raise DeviceError(f"{self.device}: the file plugin {capture.prefix} stopped capturing with {got} of "
                              f"the line's {wanted} frames in {self._file}")
        if self._acquisition.done():
            raise DeviceError(f"{self.device}: the camera stopped acquiring ({self._acquire.pvname}) with {got} "
                              f"of the line's {wanted} frames in {self._file}")
        raise DeviceError(f"{self.device}: {got} of the line's {wanted} frames in {self._file} after {timeout:g} s "
                          f"({capture.num_captured_pv} is {capture.captured}, {self.scan.camera_uid.pvname} is "
                          f"{int(self.scan.camera_uid.get())}, the line's first frame would be {self._base_uid + 1})")

    def _gap(self, got: int) -> str | None:
        """Why the first ``got`` frames were not taken at consecutive triggers (a trigger lost, a
        frame taken by another trigger: each later frame would be on the wrong point), or None."""
        stamps = self.scan.capture.time_stamps(self._base_uid + 1, self._base_uid + got)
        longest = GAP_BINS * self._seconds_per_bin
        for k in range(1, len(stamps)):
            before, after = stamps[k - 1], stamps[k]
            if before is not None and after is not None and after - before > longest:
                return (f"{self.device}: frames {k - 1} and {k} of the line are {after - before:.3g} s apart "
                        f"({self.scan.capture.prefix}TimeStamp_RBV), the triggers {self._seconds_per_bin:g} s: "
                        "a trigger was lost or a frame was not the line's, so none of its frames is recorded")
        return None

    def read(self, start: int, end: int) -> list[list[float]]:
        """Per frame start..end-1: what a step scan's point has (frames so far, UniqueId, stats)."""
        got = self.readable()
        if self._broken is not None:
            raise DeviceError(self._broken)
        if not 0 <= start <= end <= got:
            raise DeviceError(f"{self.device}: frames {start}..{end - 1} asked for; {got} of the line's "
                              f"{self.frames} are in {self._file}")
        for k in range(start, end):
            if k not in self._values:
                uid = self._base_uid + 1 + k
                values = [float(self._offset + k + 1), float(uid)]
                if self.scan.stats is not None:
                    values += self.scan.stats.point(uid, uid)
                self._values[k] = values
        self._commit(end)
        return [self._values[k] for k in range(start, end)]

    def _commit(self, upto: int) -> None:
        with self._lock:
            new = upto - self._committed
            if new <= 0:
                return
            self._committed = upto
        self.scan.record_line_frames(new, self._base + upto)

    # -- any thread ------------------------------------------------------------------------------

    def stop(self) -> None:
        """End the line's acquisition now and close the file: the frames in it stay readable."""
        if not self.active or self._final is not None:
            return
        self._stopping.set()
        try:
            if not self._acquisition.done() and self._acquire.connected:
                self._acquire.put(0)
            try:
                self._acquisition.wait(self.timeout)
            except DeviceError as exc:
                log.warning("%s: %s", self.device, exc)
            written = self.scan.capture.finish()
            with self._lock:
                self._final = max(0, min(self.frames, written - self._base))
            self._commit(self._final)
            log.info("%s: line stopped with %d of its %d frames in %s", self.device, self._final, self.frames,
                     self._file)
        finally:
            self._stopped.set()

    def _end_acquisition(self) -> None:
        if not self._acquisition.done():
            self._acquire.put(0)
            self._acquisition.wait(self.timeout)

    def end(self) -> None:
        """The scan has ended: no acquisition left running, the trigger mode as it was before."""
        if not self._acquisition.done() and self._acquire.connected:
            self._acquire.put(0)
            try:
                self._acquisition.wait(self.timeout)
            except DeviceError as exc:
                log.warning("%s: %s", self.device, exc)
        saved, self._saved_trigger_mode = self._saved_trigger_mode, None
        if saved is not None and self._trigger_mode.connected:
            try:
                self._trigger_mode.put_complete(saved, f"{self.device}: TriggerMode restored").wait(self.timeout)
            except DeviceError as exc:
                log.warning("%s: %s", self.device, exc)
