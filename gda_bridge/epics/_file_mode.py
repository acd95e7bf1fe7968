"""A camera's file-writing mode during one scan: the file plugin writes the frames, the points
get scalar columns (frames so far, the last frame's UniqueId, statistics), the scan file links
the frames (see gda_bridge.core.detector_files and docs/epics.md).

Files are named after the scan file: ``<scan stem>-<device>-000000.h5`` beside it, the next
capture of the same scan (after a point was retaken) ``-000001.h5``, and so on.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from gda_bridge.core import detector_files
from gda_bridge.core.documents import ExternalFrames, FramesWritten
from gda_bridge.core.errors import DeviceError

from ._file_capture import FileCapture
from ._pv_backend import Channel
from ._stats_plugin import STATS_FIELDS, StatsPlugin

log = logging.getLogger("gda_bridge.epics")

#: The frames' dataset in a file NDFileHDF5 writes with its default layout.
FRAMES_DATASET = "/entry/data/data"
#: The frames' UniqueIds in that file (one NDAttribute per frame).
UID_DATASET = "/entry/instrument/NDAttributes/NDArrayUniqueId"
#: Columns of every file-writing detector: frames in its files so far, UniqueId of the point's last frame.
FILE_FIELDS = ("frames", "unique_id")


def file_stem(device: str) -> str:
    return f"{{scan}}-{device}"


class FileWritingScan:
    """The state of one scan of a file-writing camera ``device``."""

    def __init__(self, device: str, capture: FileCapture, stats: StatsPlugin | None, frames_per_point: int,
                 camera_uid: Channel, file_folder: str | None = None) -> None:
        self.device = device
        #: The camera's UniqueId_RBV: the point's frames are the next ones.
        self.camera_uid = camera_uid
        #: The folder the plugin writes to, as the IOC sees it; None: the scan file's folder.
        self.file_folder = None if file_folder is None else Path(file_folder)
        self.capture = capture
        self.stats = stats
        self.frames_per_point = frames_per_point
        self.target: detector_files.ScanFileTarget | None = None
        self.files: list[tuple[str, int, int]] = []  # ended captures: (name, used, written)
        self.file_name = ""  # the current capture's file
        self.capacity = 0  # frames the current capture was armed for
        self.used = 0  # frames in the current file when the last point was read out
        self.recorded = 0  # frames of recorded points in the current file
        self.restart = False  # the current file holds frames of no point: continue in a new one
        self.last_uid = -1  # UniqueId of the point's last frame
        self.points_done = 0
        self.reason: str | None = None
        self._ending = threading.Lock()  # an abort calls stop() from another thread

    @property
    def field_names(self) -> list[str]:
        return [*FILE_FIELDS, *(STATS_FIELDS if self.stats is not None else ())]

    def external_frames(self, frame_shape: tuple[int, ...], dtype: str) -> ExternalFrames:
        first = f"{file_stem(self.device)}-000000.h5"
        if self.file_folder is not None:
            first = str(self.file_folder / first)
        return ExternalFrames(first, FRAMES_DATASET, self.frames_per_point, frame_shape, dtype,
                              uid_field="unique_id", uid_dataset=UID_DATASET)

    def start(self) -> None:
        """Arm the file plugin for the whole scan (the scan file exists by now)."""
        target = detector_files.current()
        if target is None:
            raise DeviceError(f"{self.device}: file-writing mode needs a scan file to name its files after, "
                              "and this scan writes none")
        self.target = target
        self.files, self.used, self.points_done, self.reason = [], 0, 0, None
        try:
            if self.stats is not None:
                self.stats.enable()
            self._arm(target.num_points)
        except DeviceError as exc:
            self.reason = str(exc)
            raise

    def _arm(self, points: int) -> None:
        assert self.target is not None
        folder = self.file_folder or self.target.path.parent
        name = file_stem(self.device).replace("{scan}", self.target.path.stem)
        self.capacity = points * self.frames_per_point
        full = self.capture.arm(folder, name, len(self.files), self.capacity)
        self.file_name = _relative(full, self.target.path.parent)
        self.used = self.recorded = 0
        self.restart = False

    def before_point(self) -> None:
        """A capture holding frames of no recorded point (an attempt that was retaken, a frame
        taken by hand) is ended and the rest of the scan goes to the next file, so the capture
        keeps room for every point's frames; the scan file maps the frames by UniqueId."""
        if self.restart or self.capture.captured != self.used:
            log.warning("%s: %s holds %d frames of no recorded point; continuing in a new file", self.device,
                        self.file_name, self.capture.captured - self.recorded)
            self._end_capture()
            assert self.target is not None
            self._arm(self.target.num_points - self.points_done)
        self.last_uid = int(self.camera_uid.get()) + self.frames_per_point

    def start_line(self, frames: int) -> None:
        """Before a continuous line of ``frames`` frames: the scan's capture goes on if it holds
        only recorded frames and has room for the line; otherwise (frames of no recorded point, a
        retaken line, a capture that ended) the line goes to the next file, armed for the rest of
        the scan. The first line of a scan not prepared for collection starts it."""
        if self.target is None:
            self.start()
            if self.capacity >= frames:
                return
        assert self.target is not None
        room = self.capacity - self.capture.captured
        if not self.capture.capturing or self.capture.captured != self.used or room < frames:
            log.info("%s: %s holds %d frames of no recorded point, room for %d; the line goes to a new file",
                     self.device, self.file_name, self.capture.captured - self.used, max(room, 0))
            self._end_capture()
            self._arm(max(frames, self.target.num_points - self.points_done))

    def record_line_frames(self, new: int, used: int) -> None:
        """``new`` more frames of a line were read (one point each); ``used`` frames of the
        current file belong to recorded points now."""
        self.recorded += new
        self.points_done += new
        self.used = max(self.used, used)

    def readout(self, timeout: float) -> list[float]:
        fpp = self.frames_per_point
        try:
            captured = self.capture.wait_frames(self.last_uid, timeout)
            if captured < self.used + fpp:
                raise DeviceError(f"{self.device}: {captured - self.used} of the point's {fpp} frames "
                                  f"(UniqueId up to {self.last_uid}) are in {self.file_name}")
        except DeviceError as exc:
            self.reason = str(exc)
            raise
        self.restart = captured > self.used + fpp
        values: list[float] = [float(self.frames_before + self.recorded + fpp), float(self.last_uid)]
        if self.stats is not None:
            values += self.stats.point(self.last_uid - fpp + 1, self.last_uid)
        self.used = captured
        self.recorded += fpp
        self.points_done += 1
        return values

    @property
    def frames_before(self) -> int:
        """Frames used in the files of earlier captures."""
        return sum(used for _name, used, _written in self.files)

    def _end_capture(self) -> None:
        written = self.capture.finish()
        if self.file_name:
            self.files.append((self.file_name, min(self.recorded, written), written))
        self.file_name = ""

    def end(self, reason: str | None = None) -> None:
        """Stop the capture, wait for the file to close and report what was written (once)."""
        with self._ending:
            if self.target is not None:
                self._end(reason)

    def _end(self, reason: str | None) -> None:
        assert self.target is not None
        self._end_capture()
        frames = self.frames_before
        needed = self.points_done * self.frames_per_point
        why = self.reason  # a fault of this detector; the scan's own end matters only if frames are missing
        if frames < needed and why is None:
            why = f"{self.device}: {frames} frames written for {self.points_done} points" + (
                f" ({reason})" if reason else "")
        detector_files.report(self.target.uid, FramesWritten(self.device, FRAMES_DATASET, self.frames_per_point,
                                                             tuple(self.files), why))
        self.target = None


def _relative(full: str, folder: Path) -> str:
    path = Path(full)
    return path.name if path.parent == folder else full
