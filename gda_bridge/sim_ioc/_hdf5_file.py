"""The file the simulated NDFileHDF5 plugin writes, on a writer thread of its own.

The Channel Access loop must never wait for the disk, so the plugin hands frames to
:class:`FrameFileWriter`, whose queue holds at most ``limit`` frames and MAX_QUEUED_BYTES: a
frame offered to a full queue is refused (the plugin counts it in DroppedArrays_RBV), never waited for. The thread
reports what it did as events the plugin collects on its own loop (:meth:`FrameFileWriter.events`).

The layout is NDFileHDF5's default one: ``/entry/instrument/detector/data`` (N, ny, nx), hard
linked as ``/entry/data/data``, and one (N,) dataset per NDAttribute under
``/entry/instrument/NDAttributes/``. Frames go in chunks of ``frames_per_chunk`` frames; an
uncompressed chunk of one frame is written with ``write_direct_chunk`` (no copy through HDF5's
type conversion), which is what lets the simulator write hundreds of 1 Mpixel frames a second.
"""

from __future__ import annotations

import atexit
import collections
import logging
import queue
import threading
from dataclasses import dataclass
from typing import Any

import h5py
import numpy as np

from ._plugin import NDFrame

log = logging.getLogger("gda_bridge.sim_ioc.hdf5")

#: Compression names of NDFileHDF5's Compression enum, in order; the first five are served.
COMPRESSIONS = ("None", "N-bit", "szip", "zlib", "Blosc", "BSLZ4", "LZ4", "JPEG")
SERVED_COMPRESSIONS = ("None", "zlib", "Blosc", "BSLZ4", "LZ4")
#: Frames the data set grows by when its length is not known and no SWMR reader watches it.
GROW_BY = 256
#: Most bytes of frames waiting for the writer, whatever the plugin's QueueSize (a memory bound).
MAX_QUEUED_BYTES = 512 * 1024 * 1024


@dataclass(frozen=True)
class FileSpec:
    """Where and how to write one file."""

    path: str
    compression: str = "None"
    zlevel: int = 6
    frames_per_chunk: int = 1
    swmr: bool = False
    #: In SWMR mode, flush (and report the frames as written) every this many frames.
    flush_every: int = 1
    #: Frames expected (0: not known, as in Stream mode with NumCapture=0).
    expected: int = 0


@dataclass(frozen=True)
class WriterEvent:
    """``kind`` is "opened", "written" (``count`` frames are in the file), "error" (the file is
    closed with ``count`` frames; ``message`` says why) or "closed" (with ``count`` frames)."""

    kind: str
    count: int = 0
    message: str = ""


def compression_options(name: str, zlevel: int) -> dict[str, Any]:
    """h5py ``create_dataset`` keywords for one of SERVED_COMPRESSIONS."""
    if name == "None":
        return {}
    if name == "zlib":
        return {"compression": "gzip", "compression_opts": min(9, max(0, zlevel))}
    import hdf5plugin

    filters = {"Blosc": lambda: hdf5plugin.Blosc(cname="blosclz", clevel=5, shuffle=hdf5plugin.Blosc.SHUFFLE),
               "BSLZ4": lambda: hdf5plugin.Bitshuffle(cname="lz4"),
               "LZ4": lambda: hdf5plugin.LZ4()}
    if name not in filters:
        raise ValueError(f"compression {name!r} is not simulated (only {', '.join(SERVED_COMPRESSIONS)})")
    return dict(filters[name]())


class _OpenFile:
    """One file being written: its data set, the NDAttributes waiting to go in, the frame count."""

    def __init__(self, spec: FileSpec) -> None:
        self.spec = spec
        self.file = h5py.File(spec.path, "w", libver="latest" if spec.swmr else "earliest")
        self.data: h5py.Dataset | None = None
        self.attributes: dict[str, h5py.Dataset] = {}
        self.count = 0  # frames in the file
        self._chunk: list[NDFrame] = []
        self._pending_attrs: list[NDFrame] = []
        self._direct = spec.compression == "None" and spec.frames_per_chunk == 1

    def _create(self, first: NDFrame) -> None:
        spec, frame = self.spec, first.data
        entry = self.file.create_group("entry")
        entry.attrs["NX_class"] = "NXentry"
        instrument = entry.create_group("instrument")
        instrument.attrs["NX_class"] = "NXinstrument"
        detector = instrument.create_group("detector")
        detector.attrs["NX_class"] = "NXdetector"
        initial = 0 if spec.swmr else (spec.expected or GROW_BY)
        self.data = detector.create_dataset(
            "data", shape=(initial, *frame.shape), maxshape=(None, *frame.shape), dtype=frame.dtype,
            chunks=(max(1, spec.frames_per_chunk), *frame.shape),
            **compression_options(spec.compression, spec.zlevel))
        self.data.attrs["NDArrayDimBackward"] = np.array(frame.shape[::-1], dtype=np.int32)
        data_group = entry.create_group("data")
        data_group.attrs["NX_class"] = "NXdata"
        data_group.attrs["signal"] = "data"
        data_group["data"] = self.data  # a hard link, as NDFileHDF5's default layout has
        nd_attributes = instrument.create_group("NDAttributes")
        nd_attributes.attrs["NX_class"] = "NXcollection"
        for name, dtype in (("NDArrayUniqueId", np.int32), ("NDArrayTimeStamp", np.float64),
                            ("NDArrayEpicsTSSec", np.int32), ("NDArrayEpicsTSnSec", np.int32)):
            self.attributes[name] = nd_attributes.create_dataset(name, shape=(0,), maxshape=(None,), dtype=dtype,
                                                                 chunks=(1024,))
        if spec.swmr:
            self.file.swmr_mode = True

    def add(self, frame: NDFrame) -> bool:
        """Take one frame; True when the count of frames in the file has changed."""
        if self.data is None:
            self._create(frame)
        assert self.data is not None
        if frame.data.shape != self.data.shape[1:] or frame.data.dtype != self.data.dtype:
            raise ValueError(f"frame {frame.unique_id} is {frame.data.dtype} {frame.data.shape}, the file's "
                             f"data set {self.data.dtype} {self.data.shape[1:]}: the frame size or type "
                             "changed during the capture")
        self._chunk.append(frame)
        if len(self._chunk) < max(1, self.spec.frames_per_chunk):
            return False
        self._write_chunk()
        if self.spec.swmr and self.count % max(1, self.spec.flush_every) != 0:
            return False
        self._flush()
        return True

    def _write_chunk(self) -> None:
        assert self.data is not None
        frames, self._chunk = self._chunk, []
        start, end = self.count, self.count + len(frames)
        if end > self.data.shape[0]:
            self.data.resize(end if self.spec.swmr else max(end, self.data.shape[0] + GROW_BY), axis=0)
        if self._direct:
            self.data.id.write_direct_chunk((start,) + (0,) * (self.data.ndim - 1),
                                            np.ascontiguousarray(frames[0].data))
        else:
            self.data[start:end] = np.stack([f.data for f in frames])
        self._pending_attrs.extend(frames)
        self.count = end

    def _flush(self) -> None:
        """Write the waiting NDAttributes and, in SWMR mode, make everything visible to readers."""
        if self.spec.swmr:
            self._write_attributes()
            assert self.data is not None
            self.data.flush()
            for dataset in self.attributes.values():
                dataset.flush()

    def _write_attributes(self) -> None:
        frames, self._pending_attrs = self._pending_attrs, []
        if not frames:
            return
        columns = {"NDArrayUniqueId": [f.unique_id for f in frames],
                   "NDArrayTimeStamp": [f.timestamp for f in frames],
                   "NDArrayEpicsTSSec": [f.epics_ts[0] for f in frames],
                   "NDArrayEpicsTSnSec": [f.epics_ts[1] for f in frames]}
        for name, values in columns.items():
            dataset = self.attributes[name]
            start = dataset.shape[0]
            dataset.resize(start + len(values), axis=0)
            dataset[start:] = np.asarray(values, dtype=dataset.dtype)

    def close(self) -> None:
        """Write what is waiting (a partial chunk too), trim the data set, close the file."""
        try:
            if self.data is not None:
                if self._chunk:
                    self._write_chunk()
                self._write_attributes()
                if self.data.shape[0] != self.count:
                    self.data.resize(self.count, axis=0)
        finally:
            self.file.close()

    def abandon(self) -> None:
        """Close after a failure, keeping what is in the file (the frames counted so far)."""
        self._chunk = []
        try:
            self._write_attributes()
            if self.data is not None and self.data.shape[0] != self.count:
                self.data.resize(self.count, axis=0)
        except Exception:  # the disk that failed the frame may fail this too
            log.warning("could not finish %s after a write error", self.spec.path, exc_info=True)
        try:
            self.file.close()
        except Exception:
            log.warning("could not close %s after a write error", self.spec.path, exc_info=True)
            _UNCLOSED.append(self)  # freeing the ids of a file whose close failed crashes HDF5


#: Files whose close failed (a full disk): kept for the life of the process, never freed.
_UNCLOSED: list[_OpenFile] = []


class FrameFileWriter:
    """A thread that writes the frames of one file at a time; the plugin drives it with
    :meth:`open`, :meth:`offer` and :meth:`close` and collects :meth:`events`."""

    def __init__(self, name: str) -> None:
        self._queue: queue.SimpleQueue[tuple[str, Any]] = queue.SimpleQueue()
        self._events: collections.deque[WriterEvent] = collections.deque()
        self._frames_queued = 0
        self._bytes_queued = 0
        self._lock = threading.Lock()
        self._shutting_down = False
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()
        atexit.register(self.shutdown)

    def shutdown(self, timeout: float = 2.0) -> None:
        """At IOC exit: drop the frames still queued, close the open file with what it has."""
        self._shutting_down = True
        self._queue.put(("close", None))
        self._thread.join(timeout)

    @property
    def frames_queued(self) -> int:
        return self._frames_queued

    def open(self, spec: FileSpec) -> None:
        self._queue.put(("open", spec))

    def offer(self, frame: NDFrame, limit: int) -> bool:
        """Queue a frame unless ``limit`` frames or MAX_QUEUED_BYTES are already waiting (then
        False: drop it)."""
        with self._lock:
            if self._frames_queued >= limit or self._bytes_queued + frame.data.nbytes > MAX_QUEUED_BYTES:
                return False
            self._frames_queued += 1
            self._bytes_queued += frame.data.nbytes
        self._queue.put(("frame", frame))
        return True

    def hand_over(self, frame: NDFrame) -> None:
        """Queue a frame whatever is waiting: one the plugin already holds (Capture mode's buffer)."""
        with self._lock:
            self._frames_queued += 1
            self._bytes_queued += frame.data.nbytes
        self._queue.put(("frame", frame))

    def close(self) -> None:
        self._queue.put(("close", None))

    def events(self) -> list[WriterEvent]:
        """What happened since the last call (thread-safe: deque appends and pops are atomic)."""
        out = []
        while self._events:
            out.append(self._events.popleft())
        return out

    def _run(self) -> None:
        current: _OpenFile | None = None
        failed_count: int | None = None  # frames in the file that failed, until its close
        while True:
            command, arg = self._queue.get()
            if command == "frame":
                with self._lock:
                    self._frames_queued -= 1
                    self._bytes_queued -= arg.data.nbytes
                if current is None or self._shutting_down:
                    continue  # after a failure or at exit: stragglers are dropped
                try:
                    if current.add(arg):
                        self._events.append(WriterEvent("written", current.count))
                except Exception as ex:
                    failed_count = current.count
                    current.abandon()
                    current = None
                    self._fail(ex, failed_count)
            elif command == "open":
                failed_count = None
                try:
                    current = _OpenFile(arg)
                except Exception as ex:
                    current, failed_count = None, 0
                    self._fail(ex, 0)
                else:
                    self._events.append(WriterEvent("opened"))
            elif command == "close":
                if current is not None:
                    try:
                        current.close()
                    except Exception as ex:
                        failed_count = current.count
                        current = None
                        self._fail(ex, failed_count)
                    else:
                        self._events.append(WriterEvent("written", current.count))
                        failed_count = current.count
                    current = None
                self._events.append(WriterEvent("closed", failed_count or 0))
                if self._shutting_down:
                    return

    def _fail(self, ex: Exception, count: int) -> None:
        log.warning("HDF5 write failed after %d frames: %s", count, ex)
        self._events.append(WriterEvent("error", count, " ".join(f"{type(ex).__name__}: {ex}".split())))
