"""The scan file writer: a document-stream subscriber writing one SWMR NeXus file per scan.

Threads: the subscriber call (the scan thread) only queues points and hands frames to a bounded
compressor pool; ONE writer thread owns the HDF5 file, folds points into in-memory copies of the
scalar columns, stores compressed frames with direct chunk writes and flushes on the time policy
of docs/decisions/0002-nexus-flush-policy.md: ``flush_interval`` is the longest a point may take
to become readable; the writer flushes at most once per half of it, at once when the previous
flush is older than that (a slow point), so the other half is left for the flush itself and for a
loaded machine; or after every batch of points if ``flush_every_point``.
"""

from __future__ import annotations

import collections
import fcntl
import logging
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import h5py
import numpy as np

import gda_bridge
from gda_bridge.core import detector_files
from gda_bridge.core.documents import Document, ScanPoint, ScanStart, ScanStatus, ScanStop, Suspension
from gda_bridge.core.errors import GdaBridgeError
from gda_bridge.core.scan_numbers import ScanNumberSource
from gda_bridge.nexus.compression import Encoder, chunk_encoder, dataset_filter_kwargs
from gda_bridge.nexus.external_frames import finish_frames
from gda_bridge.nexus.layout import (
    REASON_WIDTH,
    Column,
    Layout,
    create_layout,
    iso_time,
    resolve_column,
)
from gda_bridge.nexus.metadata import check_source, create_entry, write_source
from gda_bridge.nexus.recovery import recover_recent
from gda_bridge.nexus.scan_metadata import ScanProgress, create_diamond_scan
from gda_bridge.nexus.sidecar import create_processing_file, processing_path
from gda_bridge.nexus.srs import SrsFile
from gda_bridge.nexus.suspensions import SuspensionRecord
from gda_bridge.nexus.timeline import WriterMarks, create_timeline, write_timeline

log = logging.getLogger("gda_bridge.nexus")

LIBVER = ("v110", "v114")
_CREATE_ATTEMPTS = 100
FLUSH_PERIOD_FRACTION = 0.5
"""Flush period / flush_interval: a point waits at most this part of the interval for a flush."""


class NexusWriteError(GdaBridgeError, RuntimeError):
    """The scan file could not be written."""


class NexusWriter:
    """Writes ``<data_dir>/<beamline>-<scan number>.nxs`` for each scan; call it with documents.

    Subscribe it as critical (``stream.subscribe(writer, critical=True)``) so that a file that
    cannot be written ends the scan. The scan number is ``ScanStart.scan_number`` or, when that
    is None, the next one of ``scan_numbers`` (by default ``<data_dir>/.scan_number``).
    ``on_flush(points)`` is called on the writer thread after each flush with the number of
    points now readable in the file. ``source`` (``{name, type, probe}``, NeXus's values) is
    written as ``instrument/source``; without it the file names no source.
    """

    def __init__(
        self,
        data_dir: str | os.PathLike[str],
        beamline: str,
        entry_name: str = "entry1",
        *,
        flush_interval: float = 0.25,
        flush_every_point: bool = False,
        frame_compression: str = "blosc",
        write_srs: bool = True,
        libver: tuple[str, str] = LIBVER,
        scan_numbers: ScanNumberSource | None = None,
        compression_threads: int | None = None,
        max_points_in_flight: int | None = None,
        on_flush: Callable[[int], None] | None = None,
        source: dict[str, Any] | None = None,
    ) -> None:
        self.data_dir = Path(data_dir)
        self.beamline = beamline
        self.entry_name = entry_name
        self.flush_interval = float(flush_interval)
        self.flush_every_point = flush_every_point
        self.frame_compression = frame_compression
        self._frame_kwargs = dataset_filter_kwargs(frame_compression)
        self.write_srs = write_srs
        self.libver = libver
        self.scan_numbers = scan_numbers or ScanNumberSource(self.data_dir / ".scan_number")
        if self.scan_numbers.taken is None:
            self.scan_numbers.taken = self.number_taken
        self._threads = compression_threads or min(4, os.cpu_count() or 1)
        self._max_in_flight = max_points_in_flight or 2 * self._threads + 2
        self.on_flush = on_flush
        self.source = check_source(source)
        self._pool: ThreadPoolExecutor | None = None
        self._scan: _ScanFile | None = None
        self.path: Path | None = None
        self.scan_number: int | None = None
        for path in recover_recent(self.data_dir, beamline, self.scan_numbers.current()):
            log.warning("%s was left open by a writer that died; it opens normally again", path)

    def __call__(self, doc: Document) -> None:
        scan = self._scan
        if isinstance(doc, ScanPoint):
            if scan is not None and doc.uid == scan.uid:
                scan.point(doc)
        elif isinstance(doc, ScanStart):
            self._start(doc)
        elif isinstance(doc, ScanStop):
            detector_files.withdraw(doc.uid)
            if scan is not None and doc.uid == scan.uid:
                self._scan = None
                scan.stop(doc)
        elif isinstance(doc, Suspension):
            if scan is not None and doc.uid == scan.uid:
                scan.suspension(doc)

    def _start(self, doc: ScanStart) -> None:
        if self._scan is not None:
            log.warning("scan %s started before %s stopped; closing the old file", doc.uid, self._scan.uid)
            scan, self._scan = self._scan, None
            scan.stop(ScanStop(scan.uid, ScanStatus.COMPLETED_AFTER_FAILURE, scan.applied, time.time(),
                               "no ScanStop received before the next scan"))
        self.data_dir.mkdir(parents=True, exist_ok=True)
        number = self.scan_numbers.claim(doc.scan_number)
        if self._pool is None and self.frame_compression in ("blosc", "bitshuffle", "gzip"):
            self._pool = ThreadPoolExecutor(self._threads, thread_name_prefix="nexus-compress")
        for _attempt in range(_CREATE_ATTEMPTS):
            path = self.data_dir / f"{self.beamline}-{number}.nxs"
            try:
                self._scan = _ScanFile(self, doc, number, path)
                break
            except FileExistsError:  # created by a process that does not use the number file
                log.warning("%s appeared before this scan could create it; taking the next number", path)
                number = self.scan_numbers.next()
        else:
            raise NexusWriteError(f"no free scan number in {self.data_dir} after {_CREATE_ATTEMPTS} attempts")
        if doc.scan_number is not None and number != doc.scan_number:
            log.warning("scan %s was numbered %d by its caller; its file is %s", doc.uid, doc.scan_number, path)
        self.path, self.scan_number = path, number
        detector_files.announce(detector_files.ScanFileTarget(doc.uid, path, doc.num_points))
        log.info("scan %d writing to %s", number, path)

    def number_taken(self, number: int) -> bool:
        """Whether scan ``number`` has a file of its own here already (``.nxs``, ``.dat``,
        processing file)."""
        path = self.data_dir / f"{self.beamline}-{number}.nxs"
        return path.exists() or path.with_suffix(".dat").exists() or processing_path(path).exists()

    def close(self) -> None:
        """End an open scan as failed (if any) and stop the compressor threads."""
        if self._scan is not None:
            scan, self._scan = self._scan, None
            detector_files.withdraw(scan.uid)
            scan.stop(ScanStop(scan.uid, ScanStatus.COMPLETED_AFTER_FAILURE, scan.applied, time.time(),
                               "writer closed during the scan"))
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None

    def __enter__(self) -> NexusWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_MISSING = object()


class _ScanFile:
    """One open scan file and its writer thread."""

    def __init__(self, owner: NexusWriter, start: ScanStart, number: int, path: Path) -> None:
        self.owner = owner
        self.start = start
        self.uid = start.uid
        self.number = number
        self.path = path
        self.applied = 0  # points folded into the file (writer thread)
        self.flushed = 0
        self._pending: collections.deque[tuple[Any, Any]] = collections.deque()
        self._wake = threading.Event()
        self._idle = True
        self._error: BaseException | None = None
        self._error_raised = False
        self._in_flight = threading.BoundedSemaphore(owner._max_in_flight)
        self._thread: threading.Thread | None = None
        self._layout: Layout | None = None
        self._progress: ScanProgress | None = None
        self._srs: SrsFile | None = None
        self._dirty_lo: int | None = None
        self._dirty_hi = -1
        self._last_flush = 0.0
        self._warned: set[str] = set()
        self._lock_fd: int | None = None
        self._scalar_cols: list[Column] = []
        self._array_cols: list[Column] = []
        self._encoders: dict[str, Encoder | None] = {}
        self._suspensions: SuspensionRecord | None = None
        self._marks = WriterMarks()
        self._timeline: h5py.Group | None = None
        try:
            self.file = h5py.File(path, "w-", libver=owner.libver)
        except FileExistsError:
            raise
        except OSError as exc:
            raise NexusWriteError(f"cannot create scan file {path}: {exc}") from exc
        self.entry = create_entry(self.file, start, owner.entry_name, number, gda_bridge.__version__)
        try:
            create_processing_file(self.entry, path, owner.libver)
        except FileExistsError:
            self.file.close()
            path.unlink()  # ours, just created: give the number up whole
            raise
        except OSError as exc:
            self.file.close()
            raise NexusWriteError(f"cannot create {processing_path(path)}: {exc}") from exc
        fields = [f for d in start.devices for f in d.fields]
        if all(f.shape is not None and f.dtype is not None for f in fields):
            self._open_layout({})
        else:
            self.file.flush()

    # -- scan thread -------------------------------------------------------------------------

    def point(self, doc: ScanPoint) -> None:
        if self._error is not None:
            self._check()  # raises once; later points of the failed scan are dropped
            return
        if self._layout is None:
            self._open_layout(doc.data)
        frames = None
        if self._array_cols:
            while not self._in_flight.acquire(timeout=0.1):
                self._check()
            frames = [(col, self._submit(col, doc.data.get(col.key, _MISSING))) for col in self._array_cols]
        self._pending.append((doc, frames))
        if frames is not None or self.owner.flush_every_point or self._idle:
            self._wake.set()

    def suspension(self, doc: Suspension) -> None:
        """Queued in order with the points; written by the writer thread."""
        self._pending.append((doc, None))
        self._wake.set()

    def stop(self, doc: ScanStop) -> None:
        if self._layout is None:
            try:
                self._open_layout({})
            except Exception as exc:
                log.exception("cannot lay out %s", self.path)
                self._error = exc
        if self._thread is not None and self._thread.is_alive():
            self._pending.append((doc, None))
            self._wake.set()
            while self._thread.is_alive():
                self._thread.join(0.5)
        if self._error is not None:
            self._finish(doc, failed_writer=True)
            log.info("scan %d ended %s (file writer failed); %s", self.number, doc.status.value, self.path)
            self._check()
            return
        log.info("scan %d ended %s after %d points; %s", self.number, doc.status.value, self.applied, self.path)

    def _check(self) -> None:
        if self._error is not None and not self._error_raised:
            self._error_raised = True
            raise NexusWriteError(f"writing {self.path} failed: {self._error}") from self._error

    def _open_layout(self, first: dict[str, Any]) -> None:
        owner = self.owner
        columns = [
            resolve_column(f, d, first.get(f.column)) for d in self.start.devices for f in d.fields
        ]
        self._layout = create_layout(self.entry, self.start, columns, owner.beamline, owner._frame_kwargs)
        source = self.start.metadata.get("source") or owner.source
        if source:
            write_source(self.entry["instrument"], check_source(source))
        self._progress = create_diamond_scan(self.entry, self.start)
        self._suspensions = SuspensionRecord(self.entry)
        self._timeline = create_timeline(self.entry, self.start)
        self._scalar_cols = [c for c in columns if not c.is_array]
        self._array_cols = [c for c in columns if c.is_array]
        self._encoders = {c.key: chunk_encoder(c.dset) for c in self._array_cols}
        if owner.write_srs:
            self._srs = SrsFile(self.path.with_suffix(".dat"), self.start, self.number, owner.beamline, columns)
        self.file.flush()
        self.file.swmr_mode = True
        self._hold_lock()
        self._last_flush = time.monotonic()
        self._thread = threading.Thread(target=self._run, name=f"nexus-writer-{self.number}", daemon=True)
        self._thread.start()

    def _hold_lock(self) -> None:
        """Tell recover_file that this file has a live writer (HDF5 drops its own lock in SWMR)."""
        fd = os.open(self.path, os.O_RDONLY)
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            log.warning("cannot lock %s; a crash recovery could not tell it is being written", self.path)
            return
        self._lock_fd = fd

    def _submit(self, col: Column, value: Any) -> Any:
        """A frame's stored form: a Future of (bytes, mask) from the pool, or the array itself."""
        if value is _MISSING or value is None:
            return None
        encoder = self._encoders[col.key]
        pool = self.owner._pool
        if encoder is None or pool is None:
            return value
        return pool.submit(_encode, encoder, col, value)

    # -- writer thread -----------------------------------------------------------------------

    def _run(self) -> None:
        interval = self.owner.flush_interval * FLUSH_PERIOD_FRACTION
        try:
            while True:
                dirty = self.applied > self.flushed
                timeout = None if not dirty else max(0.0, self._last_flush + interval - time.monotonic())
                self._idle = not dirty
                if not (self._idle and self._pending):
                    self._wake.wait(timeout)
                self._wake.clear()
                self._idle = False
                stop = self._drain()
                if stop is not None:
                    self._finish(stop)
                    return
                if self._suspensions.dirty or (self.applied > self.flushed and (
                    self.owner.flush_every_point or time.monotonic() - self._last_flush >= interval
                )):
                    self._flush()
        except BaseException as exc:  # noqa: BLE001 - reported to the scan thread
            self._error = exc
            log.exception("writing %s failed", self.path)
            while self._pending:
                _doc, frames = self._pending.popleft()
                if frames is not None:
                    self._release_quietly()

    def _drain(self) -> ScanStop | None:
        pending = self._pending
        while pending:
            doc, frames = pending.popleft()
            if isinstance(doc, ScanStop):
                return doc
            if isinstance(doc, Suspension):
                self._suspensions.apply(doc)
                continue
            taken = time.monotonic_ns()
            self._apply(doc, frames)
            self._marks.written(doc.index, taken)
        return None

    def _apply(self, doc: ScanPoint, frames: list[tuple[Column, Any]] | None) -> None:
        idx = tuple(doc.indices)
        data = doc.data
        for col in self._scalar_cols:
            value = data.get(col.key, _MISSING)
            if value is _MISSING:
                continue
            try:
                col.mirror[idx] = col.fill if value is None else (
                    value.encode()[: col.dtype.itemsize] if isinstance(value, str) else value
                )
            except (TypeError, ValueError):
                col.mirror[idx] = col.fill
                if col.key not in self._warned:
                    self._warned.add(col.key)
                    log.warning("%s: value %r does not fit %s; left unfilled", col.key, value, col.dtype)
        self._progress.point(idx, doc.index, doc.time)
        if frames is not None:
            try:
                for col, item in frames:
                    self._write_frame(col, idx, item)
            finally:
                self._in_flight.release()
        if idx:
            self._dirty_lo = idx[0] if self._dirty_lo is None else min(self._dirty_lo, idx[0])
            self._dirty_hi = max(self._dirty_hi, idx[0])
        else:
            self._dirty_lo = self._dirty_hi = 0
        if self._srs is not None:
            self._srs.add(doc)
        self.applied += 1

    def _write_frame(self, col: Column, idx: tuple[int, ...], item: Any) -> None:
        if item is None:
            return
        offset = idx + (0,) * len(col.point_shape)
        if isinstance(item, Future):
            chunk, mask = item.result()
            col.dset.id.write_direct_chunk(offset, chunk, mask)
            return
        frame = _as_frame(col, item)
        if self._encoders[col.key] is not None:  # no filter: store the bytes as they are
            col.dset.id.write_direct_chunk(offset, frame, 0)
        else:
            col.dset[idx] = frame

    def _flush(self) -> None:
        began = time.monotonic_ns()
        layout = self._layout
        if self._dirty_lo is not None:
            lo, hi = self._dirty_lo, self._dirty_hi + 1
            for col in self._scalar_cols:
                if col.mirror.ndim == 0:
                    col.dset[()] = col.mirror
                else:
                    col.dset[lo:hi] = col.mirror[lo:hi]
            self._progress.flush(lo, hi)
            self._dirty_lo, self._dirty_hi = None, -1
        layout.points_completed[()] = self.applied
        self._suspensions.dirty = False
        if self._srs is not None:
            self._srs.flush()
        self.file.flush()
        self.flushed = self.applied
        self._marks.flushed(self.applied - 1, began)
        self._last_flush = time.monotonic()
        if self.owner.on_flush is not None:
            self.owner.on_flush(self.flushed)

    def _finish(self, stop: ScanStop, failed_writer: bool = False) -> None:
        """Record the end status and close the file (also after a writer failure, best effort)."""
        layout = self._layout
        try:
            if not failed_writer:
                self._flush()
            if layout is not None:
                reason = stop.reason or ""
                status = stop.status.value
                if failed_writer:
                    status = ScanStatus.COMPLETED_AFTER_FAILURE.value
                    reason = f"file writer failed: {self._error}"
                if self._suspensions is not None:
                    self._suspensions.close_open(stop.time)
                layout.end_time[()] = np.bytes_(iso_time(stop.time).encode())
                layout.status[()] = np.bytes_(status.encode())
                layout.reason[()] = np.bytes_(reason.encode()[:REASON_WIDTH])
                layout.points_completed[()] = self.applied
                self._progress.finish(stop.time)
                if stop.timeline is not None and self._timeline is not None and not failed_writer:
                    write_timeline(self._timeline, self._marks.added_to(stop.timeline))
        except Exception:
            if not failed_writer:
                raise
            log.exception("cannot record the end status in %s", self.path)
        finally:
            try:
                self.file.close()
            finally:
                if self._lock_fd is not None:
                    os.close(self._lock_fd)
                    self._lock_fd = None
                if self._srs is not None:
                    self._srs.close()
        if layout is not None and layout.frame_groups:
            finish_frames(self.path, self.owner.entry_name, self.start.devices, layout.frame_groups,
                          layout.frame_nxdata, stop.frames_written, stop.reason)

    def _release_quietly(self) -> None:
        try:
            self._in_flight.release()
        except ValueError:
            pass


def _as_frame(col: Column, value: Any) -> np.ndarray:
    if isinstance(value, np.ndarray) and not np.can_cast(value.dtype, col.dtype, "safe"):
        raise NexusWriteError(f"{col.key}: got a {value.dtype} frame, the dataset is {col.dtype} "
                              "(from the first frame); it would not keep the values")
    frame = np.ascontiguousarray(value, dtype=col.dtype)
    if frame.shape != col.point_shape:
        raise NexusWriteError(
            f"{col.key}: got an array of shape {frame.shape}, the scan declared {col.point_shape}"
        )
    return frame


def _encode(encoder: Encoder, col: Column, value: Any) -> tuple[Any, int]:
    return encoder(_as_frame(col, value))
