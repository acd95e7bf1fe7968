"""A simulated NDFileHDF5 plugin (``HDF1:``): Single, Capture and Stream file writing.

PV names and enum strings are areaDetector's (NDFile.template, NDFileHDF5.template). The Channel
Access side lives here, on the server loop; the file itself is written by a
:class:`~._hdf5_file.FrameFileWriter` thread. ``Capture=1`` checks the folder and the settings,
names the file (FileTemplate % (FilePath, FileName, FileNumber)) and opens it; the put-callback
completes once the capture has ended and the file is closed: after NumCapture frames, at
``Capture=0``, or at a write error (the file keeps the frames written; WriteStatus, WriteMessage).
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field

from ._fields import Pending, double, enum, integer, text, with_readback
from ._hdf5_file import COMPRESSIONS, SERVED_COMPRESSIONS, FileSpec, FrameFileWriter, WriterEvent
from ._plugin import NDFrame, PluginBase
from ._scheduler import Scheduler

log = logging.getLogger("gda_bridge.sim_ioc.hdf5")

WRITE_MODES = ("Single", "Capture", "Stream")
NO_YES = ("No", "Yes")
OFF_ON = ("Off", "On")
#: How often the loop collects the writer's events while a file is open (s).
POLL_PERIOD = 0.002
DEFAULT_TEMPLATE = "%s%s_%6.6d.h5"


@dataclass
class _Capture:
    """One file being captured."""

    mode: str
    name: str  # the file's full name
    target: int  # frames wanted (0: until Capture=0)
    done: Pending = field(default_factory=Pending)
    accepted: int = 0  # frames handed to the writer (or buffered)
    buffer: list[NDFrame] = field(default_factory=list)  # Capture mode: frames held until the end
    closing: bool = False


class SimHDF5Plugin(PluginBase):
    """Writes the camera's frames to HDF5 files as NDFileHDF5 does."""

    def __init__(self, scheduler: Scheduler) -> None:
        super().__init__("NDFileHDF5")
        self._scheduler = scheduler
        self._writer = FrameFileWriter("sim-ioc HDF1 writer")
        self._capture: _Capture | None = None
        self._last: NDFrame | None = None
        self._polling = False
        s, rb = self.settings, with_readback
        self.file_path = rb(s, "FilePath", text("", "folder of the next file", action=self._on_path))
        self.path_exists = enum("No", NO_YES, "Yes (1) if FilePath is an existing folder")
        self.create_directory = rb(s, "CreateDirectory", integer(0, "non-zero: create a missing FilePath "
                                                                  "(0: do not)"))
        self.file_name = rb(s, "FileName", text("", "file name (the template's second %s)"))
        self.file_number = rb(s, "FileNumber", integer(1, "file number (the template's %d)"))
        self.auto_increment = rb(s, "AutoIncrement", enum("No", NO_YES, "add 1 to FileNumber at each file"))
        self.template = rb(s, "FileTemplate", text(DEFAULT_TEMPLATE, "C format of the file name from "
                                                   "FilePath, FileName, FileNumber"))
        self.full_name = text("", "the file last opened")
        self.write_mode = rb(s, "FileWriteMode", enum("Stream", WRITE_MODES, "Single, Capture or Stream"))
        self.num_capture = rb(s, "NumCapture", integer(1, "frames to capture (0 in Stream: until Capture=0)"))
        self.num_captured = integer(0, "frames in the file (Capture mode: held in memory)")
        self.capture = enum("Done", ("Done", "Capture"), "1 starts a capture; the put completes when its "
                            "file is closed", action=self._on_capture, stop_value="Done")
        self.capture_rbv = enum("Done", ("Done", "Capture"), "capturing")
        self.write_file = rb(s, "WriteFile", enum("Done", ("Done", "Write"), "Single mode: write the "
                                                  "last frame to a file", action=self._on_write_file))
        rb(s, "ReadFile", enum("Done", ("Done", "Read"), "read a file (not simulated)"))
        self.write_status = enum("Write OK", ("Write OK", "Write error"), "result of the last write")
        self.write_message = text("", "reason of the last write error")
        self.chunk_frames = rb(s, "NumFramesChunks", integer(1, "frames per chunk"))
        self.compression = rb(s, "Compression", enum("None", COMPRESSIONS, "compression filter ("
                                                     + ", ".join(SERVED_COMPRESSIONS) + " simulated)"))
        self.zlevel = rb(s, "ZLevel", integer(6, "zlib level"))
        self.swmr = rb(s, "SWMRMode", enum("Off", OFF_ON, "open the file for SWMR readers"))
        self.swmr_active = enum("Off", OFF_ON, "a SWMR file is open")
        self.flush_nth = rb(s, "FlushNthFrame", integer(1, "SWMR: flush every N frames"))
        rb(s, "NDAttributeChunk", integer(0, "NDAttribute chunking (not used: chunks of 1024)"))
        self.swmr_flushes = integer(0, "SWMR flushes of the open file")
        rb(s, "LazyOpen", enum("Yes", NO_YES, "open at the first frame (the simulation always does)"))
        rb(s, "NumExtraDims", integer(0, "extra dimensions (only 0 simulated)"))
        rb(s, "PositionMode", enum("Off", OFF_ON, "position mode (not simulated)"))
        rb(s, "XMLFileName", text("", "layout XML (not used: the default layout is written)"))
        rb(s, "ChunkSizeAuto", enum("No", NO_YES, "automatic chunking (not used)"))
        rb(s, "AutoSave", enum("No", NO_YES, "Single mode: write each frame (not simulated)"))
        rb(s, "FileFormat", integer(0, "file format index (HDF5 only)"))
        # Settings GDA's NDFileHDF5Impl reads and writes; accepted and echoed, not simulated.
        for name in ("NumRowChunks", "NumColChunks", "ExtraDimSizeN", "ExtraDimSizeX", "ExtraDimSizeY",
                     "NumDataBits", "DataBitsOffset", "SZipNumPixels", "BoundaryAlign", "DimAttDatasets",
                     "StoreAttr", "StorePerform"):
            rb(s, name, integer(0, f"{name} (accepted, not simulated)"))
        self.pvs.update(self.settings)
        self.pvs.update({
            "FilePathExists_RBV": self.path_exists,
            "FullFileName_RBV": self.full_name,
            "NumCaptured_RBV": self.num_captured,
            "Capture": self.capture, "Capture_RBV": self.capture_rbv,
            "WriteStatus": self.write_status, "WriteMessage": self.write_message,
            "SWMRActive_RBV": self.swmr_active,
            "SWMRSupported_RBV": enum("Supported", ("Not supported", "Supported"), "SWMR can be used"),
            "SWMRCbCounter_RBV": self.swmr_flushes,
            "NumFramesFlush": self.flush_nth, "NumFramesFlush_RBV": self.settings["FlushNthFrame_RBV"],
            "FlushNow": enum("Done", ("Done", "Flush"), "flush now (the file is flushed as NumFramesFlush says)"),
            "ArraySize0": self.sizes[0], "ArraySize1": self.sizes[1], "ArraySize2": self.sizes[2],
            "Runtime": double(0.0, "seconds the last file took (not simulated)"),
            "IOSpeed": double(0.0, "write speed, MB/s (not simulated)"),
        })

    # -- settings -------------------------------------------------------------------------------------

    def _on_path(self, value: str) -> None:
        path = value if not value or value.endswith("/") else value + "/"
        self.file_path.value = path  # areaDetector adds the separator
        self.settings["FilePath_RBV"].set(path)
        self.path_exists.set("Yes" if path and os.path.isdir(path) else "No")

    def _fail(self, message: str) -> None:
        log.warning("HDF1: %s", message)
        self.write_status.set("Write error")
        self.write_message.set(message)

    def _next_file_name(self) -> str | None:
        """The file name of the next capture (and FileNumber moved on), or None after an error."""
        path = self.file_path.value
        if not os.path.isdir(path) and self.create_directory.value != 0 and path:
            try:
                os.makedirs(path, exist_ok=True)
            except OSError as ex:
                self._fail(f"cannot create FilePath {path!r}: {ex}")
                return None
        self.path_exists.set("Yes" if path and os.path.isdir(path) else "No")
        if self.path_exists.value != "Yes":
            self._fail(f"FilePath {path!r} does not exist (FilePathExists_RBV=0)")
            return None
        if self.compression.value not in SERVED_COMPRESSIONS:
            self._fail(f"Compression {self.compression.value} is not simulated; use one of "
                       f"{', '.join(SERVED_COMPRESSIONS)}")
            return None
        try:
            name = self.template.value % (path, self.file_name.value, self.file_number.value)
        except (TypeError, ValueError) as ex:
            self._fail(f"FileTemplate {self.template.value!r} does not format (FilePath, FileName, "
                       f"FileNumber): {ex}")
            return None
        if self.auto_increment.value == "Yes":
            self.file_number.set(self.file_number.value + 1)
            self.settings["FileNumber_RBV"].set(self.file_number.value)
        self.full_name.set(name)
        return name

    def _spec(self, name: str, expected: int) -> FileSpec:
        return FileSpec(path=name, compression=self.compression.value, zlevel=self.zlevel.value,
                        frames_per_chunk=max(1, self.chunk_frames.value), swmr=self.swmr.value == "On",
                        flush_every=max(1, self.flush_nth.value), expected=expected)

    # -- capture --------------------------------------------------------------------------------------

    def _on_capture(self, value: str) -> Pending | None:
        if value == "Done":
            if self._capture is not None:
                self._stop()
                return None  # the Capture=1 put completes once the file is closed
            self.capture_rbv.set("Done")
            return None
        if self._capture is not None:
            return self._capture.done
        self.num_captured.set(0)  # also when the capture cannot start: this one captured nothing
        mode = self.write_mode.value
        target = 1 if mode == "Single" else max(0, self.num_capture.value)
        if mode == "Capture" and target == 0:
            self._fail("NumCapture must be at least 1 in Capture mode")
            self.capture.set("Done")
            return None
        name = self._next_file_name()
        if name is None:
            self.capture.set("Done")
            return None
        self.write_status.set("Write OK")
        self.write_message.set("")
        self._capture = _Capture(mode, name, target)
        if mode != "Capture":
            self._writer.open(self._spec(name, target))
        self.capture_rbv.set("Capture")
        self._poll_soon()
        return self._capture.done

    def _on_write_file(self, value: str) -> Pending | None:
        if value != "Write":
            return None
        done = Pending()
        if self._capture is not None or self._last is None:
            self._fail("WriteFile needs a frame received and no capture running")
        else:
            name = self._next_file_name()
            if name is not None:
                self.write_status.set("Write OK")
                self.write_message.set("")
                self._capture = _Capture("Capture", name, 1, done=done, buffer=[self._last])
                self._stop()
                return done
        self.write_file.set("Done")
        self.settings["WriteFile_RBV"].set("Done")
        return None

    def _stop(self) -> None:
        """End the capture: no more frames; Capture mode writes what it holds; the file closes."""
        capture = self._capture
        if capture is None or capture.closing:
            return
        capture.closing = True
        if capture.mode == "Capture":
            self._writer.open(self._spec(capture.name, len(capture.buffer)))
            for frame in capture.buffer:
                self._writer.hand_over(frame)
            capture.buffer = []
        self._writer.close()
        self._poll_soon()

    def on_frame(self, frame: NDFrame) -> None:
        self.note_received(frame)
        self._last = frame
        capture = self._capture
        if capture is not None and not capture.closing:
            if capture.mode == "Capture":
                capture.buffer.append(frame)
                capture.accepted += 1
                self.num_captured.set(capture.accepted)
            elif self._writer.offer(frame, self.queue_size.value):
                capture.accepted += 1
            else:
                self.note_dropped()
            if capture.target and capture.accepted >= capture.target:
                self._stop()
        self.queue_free.set(max(0, self.queue_size.value - self._writer.frames_queued))
        self.note_done(frame)

    # -- the writer's events --------------------------------------------------------------------------

    def _poll_soon(self) -> None:
        if not self._polling:
            self._polling = True
            self._scheduler.call_later(POLL_PERIOD, self._poll)

    def _poll(self) -> None:
        self._polling = False
        for event in self._writer.events():
            self._on_event(event)
        if self._capture is not None:
            self._poll_soon()

    def _on_event(self, event: WriterEvent) -> None:
        capture = self._capture
        if event.kind == "opened":
            if self.swmr.value == "On":
                self.swmr_flushes.set(0)
                self.swmr_active.set("On")
        elif event.kind == "written":
            self.num_captured.set(event.count)
            if self.swmr_active.value == "On":
                self.swmr_flushes.set(self.swmr_flushes.value + 1)
        elif event.kind == "error":
            self.num_captured.set(event.count)
            self._fail(f"writing {self.full_name.value}: {event.message}")
            self._stop()
        elif event.kind == "closed" and capture is not None:
            self._capture = None
            self.swmr_active.set("Off")
            self.capture.set("Done")
            self.capture_rbv.set("Done")
            self.write_file.set("Done")
            self.settings["WriteFile_RBV"].set("Done")
            self.queue_free.set(self.queue_size.value)
            capture.done.fire()

