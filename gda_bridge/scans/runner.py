"""Runs one scan on the Java engine and turns its events into the scan's documents."""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from gda_bridge import bridge  # its names on first use: jpype is imported then, not here
from gda_bridge.core import detector_files
from gda_bridge.core.documents import (
    DeviceDescription,
    FieldDescription,
    ScanPoint,
    ScanResumed,
    ScanStart,
    ScanStatus,
    ScanStop,
    ScanSuspended,
)
from gda_bridge.core.errors import ScanAbortedError
from gda_bridge.core.timeline import Timeline, lanes_of
from gda_bridge.devices.base import as_list
from gda_bridge.scans.context import ScanContext, context
from gda_bridge.scans.estimate import ScanEstimate, SteadyPointClock, estimate, learn
from gda_bridge.scans.result import ScanResult, SuspensionRecord
from gda_bridge.scans.suspension import ScanSuspension

if TYPE_CHECKING:
    from gda_bridge.bridge import JavaScan, ScanDevice

log = logging.getLogger("gda_bridge.scan")


def _limits(device: Any, n: int) -> tuple[list[Any], list[Any]]:
    if not hasattr(device, "getLowerGdaLimits"):
        return [None] * n, [None] * n
    lower = bridge.from_java(device.getLowerGdaLimits()) or [None] * n
    upper = bridge.from_java(device.getUpperGdaLimits()) or [None] * n
    return list(lower) + [None] * n, list(upper) + [None] * n


def _units(device: Any) -> str | None:
    getter = getattr(device, "getUserUnits", None)
    if getter is None or bridge.is_java(device):
        return None
    units = getter()
    return None if units is None else str(units)


def _data_shape(device: Any) -> tuple[int, ...]:
    getter = getattr(device, "getDataDimensions", None)
    if getter is None:
        return ()
    return tuple(int(d) for d in (bridge.from_java(getter()) or ()))


def _field_demands(planned: list[Any] | None, index: int, ninputs: int) -> tuple[Any, ...] | None:
    """The demands of input field ``index`` out of a device's planned positions (None when the
    device is not moved, or a position does not give this field a value)."""
    if planned is None:
        return None
    out = []
    for position in planned:
        values = position if isinstance(position, list) else [position]
        if len(values) != ninputs or values[index] is None:
            return None
        out.append(values[index])
    return tuple(out)


def _external_frames(device: Any) -> Any:
    """A Python detector's ExternalFrames when it writes its frames to files of its own."""
    if bridge.is_java(device):
        return None
    getter = getattr(device, "external_frames", None)
    return getter() if callable(getter) else None


def describe(
    devices: Sequence[ScanDevice], planned: Sequence[list[Any] | None] | None = None
) -> tuple[DeviceDescription, ...]:
    """The devices of a scan as plain data, with unique column names and, from ``planned`` (the
    engine's planned positions per device), the demands of every moved input field."""
    planned = planned if planned is not None else [None] * len(devices)
    fields_of = []
    for d in devices:
        names = [*d.input_names, *d.extra_names]
        if d.detector and not names:
            names = [d.name]
        fields_of.append(names)
    counts: dict[str, int] = {}
    for names in fields_of:
        for n in names:
            counts[n] = counts.get(n, 0) + 1

    out = []
    for d, names, plan in zip(devices, fields_of, planned, strict=True):
        formats = list(d.output_format) or ["%5.5g"]
        formats = formats * len(names) if len(formats) == 1 else formats + ["%5.5g"] * len(names)
        lower, upper = _limits(d.device, len(d.input_names))
        frame_shape = _data_shape(d.device) if d.detector else ()
        fields = []
        for i, n in enumerate(names):
            framed = d.detector and len(names) == 1 and len(frame_shape) > 0
            fields.append(
                FieldDescription(
                    name=n,
                    column=n if counts[n] == 1 else f"{d.name}.{n}",
                    device=d.name,
                    role="input" if i < len(d.input_names) else "extra",
                    format=formats[i],
                    shape=frame_shape if framed else (),
                    dtype=None if framed else "float64",
                    units=_units(d.device),
                    lower_limit=lower[i] if i < len(d.input_names) else None,
                    upper_limit=upper[i] if i < len(d.input_names) else None,
                    demands=None if d.detector or i >= len(d.input_names)
                    else _field_demands(plan, i, len(d.input_names)),
                )
            )
        if d.detector:
            role = "detector"
        elif d.dimension >= 0:
            role = "scannable"
        else:
            role = "monitor"
        out.append(
            DeviceDescription(
                name=d.name,
                role=role,
                fields=tuple(fields),
                level=d.level,
                dimension=d.dimension if d.dimension >= 0 and not d.detector else None,
                collection_time=d.collection_time,
                java_class=str(d.device.getClass().getName()) if bridge.is_java(d.device) else None,
                external_frames=_external_frames(d.device) if d.detector else None,
            )
        )
    return tuple(out)


def _split(value: Any, n: int) -> list[Any]:
    if n == 1:
        if isinstance(value, (list, tuple)) and len(value) == 1:  # GDA allows [v] for one field
            return [value[0]]
        return [value]
    if isinstance(value, np.ndarray) and value.ndim == 1 and value.size == n:
        return list(value)
    values = as_list(value)
    return values + [None] * (n - len(values))


class _ScanDocuments:
    """Builds and emits the documents of one scan and fills its result."""

    def __init__(self, scan: JavaScan, ctx: ScanContext, result: ScanResult) -> None:
        self.scan = scan
        self.ctx = ctx
        self.result = result
        self.devices = describe(scan.devices, scan.planned_positions())
        self.columns = [[f.column for f in d.fields] for d in self.devices]
        self.kept = {f.column for d in self.devices for f in d.fields if f.shape == ()}
        self.num_points = 0
        self.estimate: ScanEstimate | None = None
        self.clock = SteadyPointClock(int(np.prod(result.shape)))

    def started(self) -> None:
        self.result.scan_number = self.ctx.next_scan_number()
        metadata = dict(self.ctx.metadata)
        for provide in self.ctx.metadata_providers:
            for key, value in provide().items():  # two providers' snapshots are merged, not replaced
                if isinstance(value, dict) and isinstance(metadata.get(key), dict):
                    value = {**metadata[key], **value}
                metadata[key] = value
        start = ScanStart(
            uid=self.result.uid,
            scan_number=self.result.scan_number,
            command=self.result.command,
            shape=self.result.shape,
            devices=self.devices,
            time=time.time(),
            metadata=metadata,
            clock_ns=time.monotonic_ns(),
        )
        self.estimate = self._estimate(start)
        if self.estimate is not None:
            start = dataclasses.replace(start, estimated_seconds=round(self.estimate.seconds, 3))
        self.result.start = start
        self.result.columns = {c: [] for c in start.columns if c in self.kept}
        self.ctx.stream.emit(start)

    def _estimate(self, start: ScanStart) -> ScanEstimate | None:
        try:
            return estimate(start, _devices_by_name(self.scan), self.ctx.timing)
        except Exception:  # an estimate is never worth failing a scan for
            log.warning("scan %s: no time estimate", start.scan_number, exc_info=True)
            return None

    def point(self, index: int, indices: tuple[int, ...], values: list[Any]) -> None:
        data: dict[str, Any] = {}
        for cols, value in zip(self.columns, values, strict=True):
            if cols:
                data.update(zip(cols, _split(value, len(cols)), strict=True))
        self.num_points += 1
        now = time.time()
        self.clock.point(now)
        columns = self.result.columns
        for c in self.kept:
            columns[c].append(data[c])
        self.ctx.stream.emit(ScanPoint(self.result.uid, index, indices, now, data))

    def suspension(self, index: int, reason: str | None, at: float) -> None:
        """The engine held the scan before point ``index`` (a reason) or resumed it (None)."""
        records = self.result.suspensions
        if reason is not None:
            records.append(SuspensionRecord(index, at, None, reason))
            self.ctx.stream.emit(ScanSuspended(self.result.uid, index, at, reason))
        else:
            if records and records[-1].end is None:
                records[-1].end = at
            self.ctx.stream.emit(ScanResumed(self.result.uid, index, at))

    def stopped(self, error: BaseException | None) -> None:
        """Emit the stop document once the engine has returned, with its final status and the
        error as Python saw it (inside the engine, a Python exception is only an opaque proxy)."""
        if self.result.start is None:  # refused before it started: no documents at all
            return
        self.result.status = ScanStatus(self.scan.status)
        if self.result.suspensions and self.result.suspensions[-1].end is None:
            self.result.suspensions[-1].end = time.time()  # it ended suspended
        if error is not None and self.result.status is ScanStatus.COMPLETED_AFTER_FAILURE:
            self.result.reason = str(error) or type(error).__name__
        stop = ScanStop(self.result.uid, self.result.status, self.num_points, time.time(), self.result.reason,
                        detector_files.take_reports(self.result.uid), self._timeline())
        self.ctx.stream.emit(stop)
        if self.estimate is not None and stop.status is ScanStatus.COMPLETED_OKAY:
            learn(self.result.start, self.estimate, stop.time - self.result.start.time,
                  self.clock.seconds_per_point(), stop.num_points, self.ctx.timing)


    def _timeline(self) -> Timeline | None:
        if not self.ctx.timeline:
            return None
        start = self.result.start
        try:
            return self.scan.timeline(Timeline.empty(*lanes_of(start), origin=start.clock_ns))
        except Exception:  # the marks are never worth losing the scan's end for
            log.warning("scan %s: no timeline", start.scan_number, exc_info=True)
            return None


def estimate_plan(scan: JavaScan, ctx: ScanContext | None = None) -> ScanEstimate:
    """How long ``scan`` would take, from its plan alone: nothing moves, nothing is set."""
    ctx = ctx or context()
    start = ScanStart(uid="estimate", scan_number=None, command=scan.command, shape=tuple(scan.dimensions),
                      devices=describe(scan.devices, scan.planned_positions()), time=time.time())
    return estimate(start, _devices_by_name(scan), ctx.timing)


def _devices_by_name(scan: JavaScan) -> dict[str, Any]:
    return {d.name: d.device for d in scan.devices}


def _run_on_worker(scan: JavaScan, docs: _ScanDocuments, on_ctrl_c: Any) -> None:
    """Run the engine on a worker thread while this one waits, so that Ctrl-C reaches Python here
    (and not the engine) and ``on_ctrl_c`` can ask the user what to do."""
    failure: list[BaseException] = []
    done = threading.Event()

    def work() -> None:
        try:
            scan.run(docs.started, docs.point, docs.suspension)
        except BaseException as exc:  # handed to the waiting thread
            failure.append(exc)
        finally:
            done.set()

    # Wait on an Event, not Thread.join(): a KeyboardInterrupt inside join() can leave the thread
    # marked as stopped while it still runs (CPython 3.11).
    threading.Thread(target=work, name="gda-scan", daemon=True).start()
    while not done.is_set():
        try:
            done.wait(0.05)
        except KeyboardInterrupt:
            bridge.python_interrupt_seen()
            bridge.clear_interrupt()
            try:
                on_ctrl_c(scan)
            except KeyboardInterrupt:  # Ctrl-C while the user was asked: abort at once
                scan.request_abort()
    if failure:
        raise failure[0]


def run_scan(args: Sequence[Any], *, command: str | None = None, ctx: ScanContext | None = None) -> ScanResult:
    """Run a ConcurrentScan of ``args`` (GDA grammar) on this thread and return its result.

    Ctrl-C stops every device and raises KeyboardInterrupt; an abort requested from another
    thread raises ScanAbortedError. Either way the stop document is emitted first. The context's
    ``after_scan`` callbacks run last, on this thread (analysis waits there for its lines).
    """
    ctx = ctx or context()
    ctx.ensure_session()
    defaults = [d for d in ctx.defaults if not any(d is a for a in args)]
    scan = bridge.JavaScan(args, defaults, command)
    scan.set_timeline(ctx.timeline)
    result = ScanResult(command=scan.command, uid=uuid.uuid4().hex, scan_number=None, shape=scan.dimensions)
    docs = _ScanDocuments(scan, ctx, result)
    ctx.running = scan
    ctx.last_result = result
    try:
        with bridge.interruptible():
            try:
                with ScanSuspension(scan, ctx.suspenders):
                    if ctx.on_ctrl_c is None:
                        scan.run(docs.started, docs.point, docs.suspension)
                    else:
                        _run_on_worker(scan, docs, ctx.on_ctrl_c)
            except ScanAbortedError as exc:
                docs.stopped(exc)
                if scan.aborted_by_request:
                    raise
                raise bridge.JavaInterrupt from None
            except BaseException as exc:
                docs.stopped(exc)
                raise
            else:
                docs.stopped(None)
    finally:
        ctx.running = None
        for callback in list(ctx.after_scan):
            try:
                callback(result)
            except Exception:
                log.exception("after-scan callback %r failed", callback)
    return result
