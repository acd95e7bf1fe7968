"""A camera's file-writing mode during one scan: the file plugin writes the frames, the points
get scalar columns (frames so far, the last frame's UniqueId, statistics), the scan file links
the frames (see gda_bridge.core.detector_files and docs/epics.md).

Files are named after the scan file: ``<scan stem>-<device>-000000.h5`` beside it, the next
capture of the same scan (after a point was retaken) ``-000001.h5``, and so on.
"""

from __future__ import annotations

import logging
from pathlib import Path

from gda_bridge.core import detector_files
from gda_bridge.core.documents import ExternalFrames, FramesWritten
from gda_bridge.core.errors import DeviceError

from ._file_capture import FileCapture
from ._stats_plugin import STATS_FIELDS, StatsPlugin

log = logging.getLogger("gda_bridge.epics")

#: The frames' dataset in a file NDFileHDF5 writes with its default layout.
FRAMES_DATASET = "/entry/data/data"
#: Columns of every file-writing detector: frames in its files so far, UniqueId of the point's last frame.
FILE_FIELDS = ("frames", "unique_id")


def file_stem(device: str) -> str:
    return f"{{scan}}-{device}"


class FileWritingScan:
    """The state of one scan of a file-writing camera ``device``."""

    def __init__(self, device: str, capture: FileCapture, stats: StatsPlugin | None, frames_per_point: int) -> None:
        self.device = device
        self.capture = capture
        self.stats = stats
        self.frames_per_point = frames_per_point
        self.target: detector_files.ScanFileTarget | None = None
        self.files: list[tuple[str, int, int]] = []  # ended captures: (name, used, written)
        self.file_name = ""  # the current capture's file
        self.used = 0  # frames of recorded points in the current file
        self.points_done = 0
        self.reason: str | None = None

    @property
    def field_names(self) -> list[str]:
        return [*FILE_FIELDS, *(STATS_FIELDS if self.stats is not None else ())]

    def external_frames(self, frame_shape: tuple[int, ...], dtype: str) -> ExternalFrames:
        return ExternalFrames(f"{file_stem(self.device)}-000000.h5", FRAMES_DATASET, self.frames_per_point,
                              frame_shape, dtype)

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
        folder = self.target.path.parent
        name = file_stem(self.device).replace("{scan}", self.target.path.stem)
        full = self.capture.arm(folder, name, len(self.files), points * self.frames_per_point)
        self.file_name = _relative(full, folder)
        self.used = 0

    def before_point(self) -> None:
        """A capture holding frames of no recorded point (an attempt that was retaken) is ended,
        and the rest of the scan goes to the next file, so each file's used frames come first."""
        if self.capture.captured == self.used:
            return
        log.warning("%s: %d frames in %s belong to no recorded point; continuing in a new file",
                    self.device, self.capture.captured - self.used, self.file_name)
        self._end_capture()
        assert self.target is not None
        self._arm(self.target.num_points - self.points_done)

    def readout(self, timeout: float) -> list[float]:
        expected = self.used + self.frames_per_point
        try:
            self.capture.wait_captured(expected, timeout)
        except DeviceError as exc:
            self.reason = str(exc)
            raise
        last = self.capture.last_unique_id()
        values: list[float] = [float(self.frames_before + expected), float(last)]
        if self.stats is not None:
            values += self.stats.point(last - self.frames_per_point + 1, last)
        self.used = expected
        self.points_done += 1
        return values

    @property
    def frames_before(self) -> int:
        """Frames used in the files of earlier captures."""
        return sum(used for _name, used, _written in self.files)

    def _end_capture(self) -> None:
        written = self.capture.finish()
        if self.file_name:
            self.files.append((self.file_name, min(self.used, written), written))
        self.file_name = ""

    def end(self, reason: str | None = None) -> None:
        """Stop the capture, wait for the file to close and report what was written."""
        if self.target is None:
            return
        self._end_capture()
        frames = self.frames_before
        needed = self.points_done * self.frames_per_point
        why = self.reason or reason
        if frames < needed and why is None:
            why = f"{self.device}: {frames} frames written for {self.points_done} points"
        detector_files.report(self.target.uid, FramesWritten(self.device, FRAMES_DATASET, self.frames_per_point,
                                                             tuple(self.files), why))
        self.target = None


def _relative(full: str, folder: Path) -> str:
    path = Path(full)
    return path.name if path.parent == folder else full
