"""The Java ConcurrentScan engine seen from Python.

The scan runs on the calling thread: Java->Python callbacks are several times cheaper there than
from a Java thread, and a Ctrl-C reaches the engine as an interrupt of that thread.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import jpype
import numpy as np

from gda_bridge.bridge.adapters import (
    adapter_of,
    from_java_device,
    interrupted,
    on_interrupt,
    to_java_device,
)
from gda_bridge.bridge.convert import from_java, to_java_position, to_names
from gda_bridge.bridge.errors import java_errors
from gda_bridge.bridge.interrupts import clear_interrupt
from gda_bridge.bridge.jvm import ensure_jvm
from gda_bridge.core.timeline import PHASES, Timeline


@dataclass(frozen=True)
class ScanDevice:
    """A device of a scan as the engine sees it."""

    name: str
    device: Any
    detector: bool
    dimension: int
    collection_time: float | None
    input_names: tuple[str, ...]
    extra_names: tuple[str, ...]
    output_format: tuple[str, ...]
    level: int


def is_device(obj: Any) -> bool:
    """True for anything a scan takes as a device: a Java Scannable or a Python one (not a class)."""
    if isinstance(obj, type):
        return False
    if isinstance(obj, jpype.JObject):
        return isinstance(obj, jpype.JClass("gda.device.Scannable"))
    return callable(getattr(obj, "getPosition", None)) and callable(getattr(obj, "getName", None))


def _to_java_arg(arg: Any) -> Any:
    if is_device(arg):
        return to_java_device(arg)
    if isinstance(arg, tuple):
        plist = jpype.JClass("gda.scan.PositionList")
        return plist.of(jpype.JArray(jpype.JObject)([to_java_position(p) for p in arg]))
    if isinstance(arg, (list, np.ndarray)):
        return jpype.JArray(jpype.JDouble)([float(v) for v in arg])
    return to_java_position(arg)


class JavaScan:
    """One ConcurrentScan built from GDA scan arguments (devices, numbers, tuples, lists)."""

    def __init__(self, args: Sequence[Any], defaults: Sequence[Any] = (), command: str | None = None) -> None:
        ensure_jvm()
        scannable = jpype.JClass("gda.device.Scannable")
        jargs = jpype.JArray(jpype.JObject)([_to_java_arg(a) for a in args])
        jdefaults = jpype.JArray(scannable)([to_java_device(d) for d in defaults])
        with java_errors():
            self.jscan = jpype.JClass("gda.scan.ConcurrentScan")(jargs, jdefaults)
            if command:
                self.jscan.setCommand(command)
        self.aborted_by_request = False
        self.devices = self._describe()
        # In a continuous scan a line's and a buffered detector's values are read in bulk and cross
        # to Java (one point per bin), so they are taken from the Java point as a Java device's are.
        # In a step scan a buffered detector is read out per point like any detector (a camera's
        # preview frame stays in Python).
        continuous = self.continuous
        self._adapters = [None if continuous and getattr(a, "values_from_java", False) else a
                          for a in (adapter_of(d.device) for d in self.devices)]
        widths = [0 if a is not None else len(d.input_names) + len(d.extra_names) or 1 for a, d in zip(self._adapters, self.devices, strict=True)]
        self._widths = jpype.JArray(jpype.JInt)(widths)
        self._slices = []
        at = 0
        for w in widths:
            self._slices.append((at, at + w))
            at += w
        self._flatten = jpype.JClass("gda.scan.PointValues").flatten
        # Python devices' values come from their adapters: a scan of Python devices needs nothing
        # from the Java point but its index (each crossing costs, at every point).
        self._python_only = all(a is not None for a in self._adapters)

    def _describe(self) -> list[ScanDevice]:
        out = []
        with java_errors():
            for jdev in self.jscan.getDevices():
                device = from_java_device(jdev)
                ctime = self.jscan.getCollectionTime(jdev)
                out.append(
                    ScanDevice(
                        name=str(device.getName()),
                        device=device,
                        detector=bool(self.jscan.isDetector(jdev)),
                        dimension=int(self.jscan.getDimensionOf(jdev)),
                        collection_time=None if ctime is None else float(ctime),
                        input_names=tuple(to_names(device.getInputNames())),
                        extra_names=tuple(to_names(device.getExtraNames())),
                        output_format=tuple(to_names(device.getOutputFormat())),
                        level=int(device.getLevel()),
                    )
                )
        return out

    @property
    def command(self) -> str:
        return str(self.jscan.getCommand())

    @property
    def continuous(self) -> bool:
        """True if the innermost dimension is a continuous line (one motion per line)."""
        return bool(self.jscan.isContinuous())

    @property
    def dimensions(self) -> tuple[int, ...]:
        return tuple(int(d) for d in self.jscan.getDimensions())

    def planned_positions(self) -> list[list[Any] | None]:
        """Per device (in the order of ``devices``), the positions the engine will send it to:
        one per index of its dimension (a float, a list of floats, or text), a single one for a
        fixed position; None for a device it does not move."""
        out: list[list[Any] | None] = []
        with java_errors():
            for jdev, device in zip(self.jscan.getDevices(), self.devices, strict=True):
                planned = self.jscan.getPlannedPositions(jdev)
                if planned is None:
                    out.append(None)
                    continue
                # numbers cross in one packed array (one crossing per position costs ~10 µs)
                width = max(1, len(device.input_names))
                widths = jpype.JArray(jpype.JInt)(np.full(len(planned), width, dtype=np.int32))
                packed = np.asarray(self._flatten(planned, widths))
                if np.isnan(packed).any():  # text or a short position: convert each one
                    out.append([from_java(p) for p in planned])
                else:
                    out.append(packed.tolist() if width == 1 else packed.reshape(-1, width).tolist())
        return out

    @property
    def status(self) -> str:
        return str(self.jscan.getStatus().name())

    def validate(self) -> None:
        with java_errors():
            self.jscan.validate()

    def run(self, on_start: Callable[[], None], on_point: Callable[[int, tuple[int, ...], list[Any]], None],
            on_suspension: Callable[[int, str | None, float], None] | None = None) -> None:
        """Run the scan on this thread; the callbacks run on it too, in order. Afterwards
        ``status`` tells how it ended (read from the engine: a Ctrl-C may arrive inside the
        engine's own end notification, so a Python listener could miss it).
        ``on_suspension(point, reason, time)`` hears each suspension begin (a reason) and end
        (reason None); times are epoch seconds."""
        listener = jpype.JProxy("gda.scan.ScanListener", inst=_Listener(self, on_start, on_point, on_suspension))
        self.jscan.addScanListener(listener)
        on_interrupt(self.request_abort)
        try:
            with java_errors():
                self.jscan.run()
        finally:
            on_interrupt(None)
            clear_interrupt()

    def point_values(self, point: Any) -> list[Any]:
        """One value per device of a ScanDataPoint: a Python device's own last value, a Java
        device's from one packed array (its full conversion only where the packed numbers have
        gaps, e.g. text)."""
        if self._python_only:
            return [adapter.last for adapter in self._adapters]
        positions = point.positions()
        numbers = np.asarray(self._flatten(positions, self._widths)).tolist()
        values = []
        for i, (adapter, (lo, hi)) in enumerate(zip(self._adapters, self._slices, strict=True)):
            if adapter is not None:
                values.append(adapter.last)
                continue
            part = numbers[lo:hi]
            if any(v != v for v in part):  # NaN: not all numbers, convert the value itself
                values.append(from_java(positions[i]))
            else:
                values.append(part[0] if hi - lo == 1 else part)
        return values

    def set_timeline(self, on: bool) -> None:
        """Whether the engine marks every phase of every point (on unless turned off before run)."""
        self.jscan.setTimeline(bool(on))

    def timeline(self, base: Timeline) -> Timeline:
        """``base`` (the scan's lanes and origin) with the engine's marks, read in one crossing.
        The engine's lanes are the devices (in the order of ``devices``), then "points" and "scan
        thread", as ``base``'s; its phases are the first of core.timeline.PHASES."""
        lanes = tuple(str(n) for n in self.jscan.getTimelineLanes())
        phases = tuple(str(p) for p in self.jscan.getTimelinePhases())
        if lanes != base.lanes[: len(lanes)] or phases != PHASES[: len(phases)]:
            raise ValueError(f"the engine's timeline lanes {lanes} or phases {phases} are not the file's")
        marks = np.asarray(self.jscan.getTimeline(), dtype=np.int64).reshape(-1, 5)
        return base.with_intervals(marks[:, 0], marks[:, 1], marks[:, 2], marks[:, 3] - base.origin,
                                   marks[:, 4] - base.origin)

    def request_pause(self) -> None:
        self.jscan.requestPause()

    def request_resume(self) -> None:
        self.jscan.requestResume()

    def request_abort(self) -> None:
        """Abort as Ctrl-C does: the caller of run() gets KeyboardInterrupt."""
        self.jscan.requestAbort()

    def abort_on_request(self) -> None:
        """Abort from another thread: the caller of run() gets ScanAbortedError."""
        self.aborted_by_request = True
        self.jscan.requestAbort()

    def request_finish_early(self) -> None:
        self.jscan.requestFinishEarly()

    def suspend(self, reason: str, max_seconds: float | None) -> None:
        """Hold the scan before its next point (any thread); the point in progress is retaken."""
        _from_any_thread(lambda: self.jscan.suspend(reason, float(max_seconds or 0.0)))

    def resume_suspended(self) -> None:
        _from_any_thread(self.jscan.resumeSuspended)

    def set_suspend_grace(self, seconds: float) -> None:
        """A device failing during a point is retaken if a suspension begins within ``seconds``."""
        self.jscan.setSuspendGrace(float(seconds))


def _from_any_thread(call: Callable[[], None]) -> None:
    """Call Java from a watcher's thread (CA callback, timer); a thread attached to the JVM only
    for this call is detached again, else every ended timer thread stays registered there."""
    thread = jpype.JClass("java.lang.Thread")
    attached = thread.isAttached()
    try:
        call()
    finally:
        if not attached:
            thread.detach()


class _Listener:
    def __init__(self, scan: JavaScan, on_start: Callable, on_point: Callable,
                 on_suspension: Callable | None = None) -> None:
        self.scan = scan
        self.on_start = on_start
        self.on_point = on_point
        self.on_suspension = on_suspension
        self.one_dimensional = len(scan.dimensions) == 1

    def scanStarted(self, jscan: Any) -> None:
        try:
            self.on_start()
        except KeyboardInterrupt:
            interrupted()
            raise

    def pointDone(self, point: Any) -> None:
        try:
            index = int(point.index())
            indices = (index,) if self.one_dimensional else tuple(np.asarray(point.indices()).tolist())
            self.on_point(index, indices, self.scan.point_values(point))
        except KeyboardInterrupt:
            interrupted()
            raise

    def scanSuspended(self, jscan: Any, point: int, reason: str, epoch_millis: int) -> None:
        if self.on_suspension is not None:
            self.on_suspension(int(point), str(reason), int(epoch_millis) / 1000.0)

    def scanResumed(self, jscan: Any, point: int, epoch_millis: int) -> None:
        if self.on_suspension is not None:
            self.on_suspension(int(point), None, int(epoch_millis) / 1000.0)

    def scanEnded(self, jscan: Any, status: Any, failure: Any) -> None:
        """Nothing to do: the caller reads the final status once run() returns."""
