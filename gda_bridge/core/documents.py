"""The documents one scan emits, in order: one ScanStart, one ScanPoint per point, one ScanStop
(and, between points, a ScanSuspended/ScanResumed pair for each time the scan was suspended).

They are plain immutable data with no reference to the JVM, the devices or the engine, so a saved
stream can be replayed into the NeXus writer or the analysis hooks with no hardware. Values in a
point are Python floats/ints/strings, or numpy arrays for frames and waveforms.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, Literal

from gda_bridge.core.timeline import Timeline


class ScanStatus(enum.StrEnum):
    """How a scan ended (GDA's final statuses)."""

    COMPLETED_OKAY = "COMPLETED_OKAY"
    COMPLETED_AFTER_FAILURE = "COMPLETED_AFTER_FAILURE"
    COMPLETED_AFTER_STOP = "COMPLETED_AFTER_STOP"
    COMPLETED_EARLY = "COMPLETED_EARLY"


@dataclass(frozen=True)
class FieldDescription:
    """One column of the scan: an input or extra field of a device.

    ``column`` is the key of the field in ``ScanPoint.data``: the field name, or
    ``"<device>.<field>"`` when two devices of the scan share a field name.
    ``shape`` is the per-point shape (``()`` for a scalar, ``(ny, nx)`` for a frame);
    ``None`` means it is only known from the first point.
    ``demands`` are the positions the scan sends an input field to, as the engine planned them:
    one per index of the device's dimension, or a single one for a scannable held at one
    position; ``None`` for a field the scan does not move.
    """

    name: str
    column: str
    device: str
    role: Literal["input", "extra"]
    format: str = "%5.5g"
    shape: tuple[int, ...] | None = ()
    dtype: str | None = "float64"
    units: str | None = None
    lower_limit: float | None = None
    upper_limit: float | None = None
    demands: tuple[float | str, ...] | None = None


@dataclass(frozen=True)
class ExternalFrames:
    """A detector whose frames are written by a file plugin of its own (areaDetector's
    NDFileHDF5), not carried in the points: the scan file links them.

    ``first_file`` is the name of the first detector file relative to the scan file's folder,
    with ``{scan}`` standing for the scan file's stem (the detector knows it only once the file
    exists); ``dataset`` is the path of the frames in it, frames along axis 0. With ``uid_field``
    (the detector's column holding the UniqueId of each point's last frame) and ``uid_dataset``
    (the frames' UniqueIds in each file) the scan file maps each point's frames by identity.
    """

    first_file: str
    dataset: str
    frames_per_point: int
    frame_shape: tuple[int, ...]
    dtype: str
    uid_field: str | None = None
    uid_dataset: str | None = None


@dataclass(frozen=True)
class FramesWritten:
    """What a file-writing detector really wrote, reported once its capture ended.

    ``files`` holds ``(name, frames used, frames in the file)`` per detector file in capture
    order (names relative to the scan file's folder, or absolute); the frames used are the
    first ones of each file, those of recorded points, in point order. ``reason`` says why
    fewer frames than the points need were written (None when none are missing).
    """

    device: str
    dataset: str
    frames_per_point: int
    files: tuple[tuple[str, int, int], ...]
    reason: str | None = None

    @property
    def frames(self) -> int:
        return sum(used for _name, used, _written in self.files)


@dataclass(frozen=True)
class DeviceDescription:
    """A device taking part in the scan, in command order.

    ``role`` is ``"scannable"`` for one that is moved along a dimension, ``"monitor"`` for a
    scannable only read or held at one position (``scn pos``: its input fields then carry that
    one demand), ``"detector"`` for a detector. ``dimension`` is the index of the scan dimension a moved
    scannable belongs to (0 is the outermost), ``None`` otherwise. ``external_frames`` is set for a
    detector whose frames are in its own files.
    """

    name: str
    role: Literal["scannable", "monitor", "detector"]
    fields: tuple[FieldDescription, ...]
    level: int = 5
    dimension: int | None = None
    collection_time: float | None = None
    java_class: str | None = None
    external_frames: ExternalFrames | None = None


@dataclass(frozen=True)
class ScanStart:
    """Emitted once, after validation and before anything moves."""

    uid: str
    scan_number: int | None
    command: str
    shape: tuple[int, ...]
    devices: tuple[DeviceDescription, ...]
    time: float
    metadata: dict[str, Any] = field(default_factory=dict)
    estimated_seconds: float | None = None
    """How long the scan should take (gda_bridge.scans.estimate), None if not estimated."""
    clock_ns: int = 0
    """CLOCK_MONOTONIC ns (``time.monotonic_ns()``) read with ``time``: the timeline's origin."""

    @property
    def columns(self) -> tuple[str, ...]:
        """Every column in command order (scannables' input+extra fields, detectors' fields)."""
        return tuple(f.column for d in self.devices for f in d.fields)

    @property
    def num_points(self) -> int:
        n = 1
        for s in self.shape:
            n *= s
        return n

    def axes(self, dimension: int) -> tuple[str, ...]:
        """Columns of the input fields of the scannables moved in ``dimension``."""
        return tuple(
            f.column
            for d in self.devices
            if d.role == "scannable" and d.dimension == dimension
            for f in d.fields
            if f.role == "input"
        )

    def detector_columns(self) -> tuple[str, ...]:
        return tuple(f.column for d in self.devices if d.role == "detector" for f in d.fields)


@dataclass(frozen=True)
class ScanPoint:
    """One completed point: ``index`` counts from 0 in acquisition order, ``indices`` is the
    position in the scan's grid (one index per dimension)."""

    uid: str
    index: int
    indices: tuple[int, ...]
    time: float
    data: dict[str, Any]


@dataclass(frozen=True)
class ScanStop:
    """Emitted once, whatever the end: ``reason`` is the error message of a failed scan."""

    uid: str
    status: ScanStatus
    num_points: int
    time: float
    reason: str | None = None
    frames_written: tuple[FramesWritten, ...] = ()
    """The file-writing detectors' reports of the frames they wrote (see ExternalFrames)."""
    timeline: Timeline | None = None
    """The engine's marks of every phase of every point (gda_bridge.core.timeline); None when off."""


@dataclass(frozen=True)
class ScanSuspended:
    """The scan is held before point ``index`` (0-based) since ``time``, because of ``reason``
    (beam lost, a device's IOC gone). A point during which this began is retaken, not recorded."""

    uid: str
    index: int
    time: float
    reason: str


@dataclass(frozen=True)
class ScanResumed:
    """The suspension announced last ended at ``time``; point ``index`` is taken next."""

    uid: str
    index: int
    time: float


Suspension = ScanSuspended | ScanResumed
Document = ScanStart | ScanPoint | ScanStop | ScanSuspended | ScanResumed
