"""The scan commands of GDA (scan, rscan, cscan, pscan, gscan, staticscan, timescan, tscan,
testscan) and SPEC (ascan, a2scan, a3scan, dscan, d2scan, d3scan, mesh), all run by the Java
ConcurrentScan engine."""

from __future__ import annotations

import math
from collections.abc import Sequence
from numbers import Number
from typing import Any

import numpy as np

from gda_bridge import bridge
from gda_bridge.commands import devices as dev
from gda_bridge.commands.motion import move_to
from gda_bridge.commands.positions import Group, flatten, groups, scan_arguments, single_position
from gda_bridge.commands.vararg import unpacked
from gda_bridge.core.errors import ScanSyntaxError
from gda_bridge.devices.base import ScannableBase, as_list
from gda_bridge.devices.timing import TimeScannable
from gda_bridge.scans.context import context
from gda_bridge.scans.result import ScanResult
from gda_bridge.scans.runner import estimate_plan, run_scan
from gda_bridge.scans.table import duration_text

ARRAY_TEXT_ITEMS = 16
"""A longer numpy array shows as its first and last values in the command text (the table's
header and the file's scan_command); the file's <field>_set holds every position."""


def _text(value: Any) -> str:
    if dev.is_scannable(value):
        return dev.name_of(value)
    if isinstance(value, np.ndarray):
        if value.ndim == 1 and value.size > ARRAY_TEXT_ITEMS:  # not typed item by item: abridged
            return "[" + ", ".join(_text(v) for v in value[:3]) + ", ..., " + _text(value[-1]) + "]"
        return _text(value.tolist())
    if isinstance(value, np.generic):
        return _text(value.item())
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, Number):
        return f"{float(value):g}" if isinstance(value, float) else str(value)
    if isinstance(value, tuple):
        return "(" + ", ".join(_text(v) for v in value) + ")"
    if isinstance(value, list):
        return "[" + ", ".join(_text(v) for v in value) + "]"
    return repr(value)


def command_text(name: str, args: Sequence[Any]) -> str:
    """The command line as a user would type it, with device names."""
    return " ".join([name, *(_text(a) for a in args)])


def _shift(value: Any, by: Any, device: Any, command: str) -> Any:
    """A checked position (float, list of floats, or tuple of them) moved by ``by`` (where the
    device is now: its input fields, then any extra ones)."""
    if isinstance(value, tuple):
        return tuple(_shift(v, by, device, command) for v in value)
    here = as_list(by)
    if isinstance(value, str):
        raise ScanSyntaxError(f"{command}: {dev.name_of(device)}: the text position {value!r} cannot be relative")
    if isinstance(value, list):
        return [v + float(b) for v, b in zip(value, here[: len(value)], strict=True)]
    return value + float(here[0])


def _scale(value: Any, factor: float) -> Any:
    if isinstance(value, list):
        return [v * factor for v in value]
    return value * factor


def _run(args: Sequence[Any], command: str, text: str) -> ScanResult:
    return run_scan(scan_arguments(args, command), command=text)


def _returning(found: list[Group], args: list[Any], command: str, text: str) -> ScanResult:
    """Run the scan, then move the scanned scannables back to where they were (not after Ctrl-C
    or an abort: then everything stays stopped)."""
    checked = scan_arguments(args, command)
    moved = [g.device for g in found if g.values and not dev.is_detector(g.device)]
    starts = [(d, dev.position(d)) for d in moved]
    result = run_scan(checked, command=text)
    if context().return_to_start and starts:
        move_to(starts)
    return result


def scan(*args: Any) -> ScanResult:
    """scan scn1 start stop step [scnN [start [[stop] step]]] ... [det [time]] ...; after a
    scannable a tuple, a list or a numpy array is a list of positions."""
    args = unpacked(args)
    return _run(args, "scan", command_text("scan", args))


def rscan(*args: Any) -> ScanResult:
    """scan relative to where every scanned scannable is now; returns them there afterwards."""
    args = unpacked(args)
    found = groups(scan_arguments(args, "rscan"), "rscan")
    for g in found:
        if dev.is_detector(g.device) or not g.values:
            continue
        here = dev.position(g.device)
        v = g.values
        if len(v) >= 3:  # start stop step
            v[0], v[1] = _shift(v[0], here, g.device, "rscan"), _shift(v[1], here, g.device, "rscan")
        else:  # start step, a position, or a list of positions
            v[0] = _shift(v[0], here, g.device, "rscan")
    return _returning(found, flatten(found), "rscan", command_text("rscan", args))


def cscan(*args: Any) -> ScanResult:
    """cscan scn halfwidth step [scnN halfwidth step]... [det [time]]: centred on where each
    scannable is now; returns them there afterwards."""
    args = unpacked(args)
    found = groups(args, "cscan")
    first = True
    for g in found:
        if dev.is_detector(g.device) or len(g.values) != 2:
            continue
        here = dev.position(g.device)
        half = single_position(g.device, g.values[0], "cscan", "halfwidth")
        step = single_position(g.device, g.values[1], "cscan", "step")
        start = _shift(_scale(half, -1.0), here, g.device, "cscan")
        if first:
            g.values = [start, _shift(half, here, g.device, "cscan"), step]
            first = False
        else:
            g.values = [start, step]
    if first:
        raise ScanSyntaxError("cscan: usage: cscan scannable halfwidth step [scannable halfwidth step]... [detector [time]]")
    return _returning(found, flatten(found), "cscan", command_text("cscan", args))


def pscan(*args: Any) -> ScanResult:
    """pscan scn start step npoints [scnN start step]... [det [time]]."""
    args = unpacked(args)
    found = groups(args, "pscan")
    first = found[0]
    if len(first.values) != 3:
        raise ScanSyntaxError("pscan: usage: pscan scannable start step numberOfPoints [scannable start step]... [detector [time]]")
    start = single_position(first.device, first.values[0], "pscan", "start")
    step = single_position(first.device, first.values[1], "pscan", "step")
    npoints = first.values[2]
    if not isinstance(npoints, Number) or int(npoints) != npoints or npoints < 1:
        raise ScanSyntaxError(f"pscan: the number of points must be a positive integer, not {npoints!r}")
    stop = [s + p * (int(npoints) - 1) for s, p in zip(as_list(start), as_list(step), strict=True)]
    first.values = [start, stop if isinstance(start, list) else stop[0], step]
    return _run(flatten(found), "pscan", command_text("pscan", args))


def gscan(*args: Any) -> ScanResult:
    """gscan scn start stop step [det [time]]: GDA's grid scan of one scannable."""
    args = unpacked(args)
    if not 4 <= len(args) <= 6:
        raise ScanSyntaxError("gscan: usage: gscan scannable start stop step [detector [time]]")
    return _run(args, "gscan", command_text("gscan", args))


class _StaticPoint(ScannableBase):
    """Gives a static scan its single point: no fields, nothing to move."""

    def __init__(self) -> None:
        super().__init__("staticscan_point")
        self.inputNames = []
        self.outputFormat = []

    def rawGetPosition(self) -> None:
        return None

    def rawAsynchronousMoveTo(self, position: Any) -> None:
        return None


def staticscan(*args: Any) -> ScanResult:
    """staticscan det... : one point, nothing moved."""
    args = unpacked(args)
    return _run([_StaticPoint(), (0.0,), *args], "staticscan", command_text("staticscan", args))


def _time_scan(name: str, args: Sequence[Any]) -> ScanResult:
    for a in args:
        if not isinstance(a, Number) and not dev.is_scannable(a):
            raise ScanSyntaxError(f"{name}: {_text(a)} is neither a scannable nor a number")
    numbers = [a for a in args if isinstance(a, Number)]
    devices = [a for a in args if not isinstance(a, Number)]
    if len(numbers) not in (2, 3):
        raise ScanSyntaxError(f"{name}: usage: {name} [detector...] numberOfPoints pauseTime [collectTime]")
    npoints, pause = int(numbers[0]), float(numbers[1])
    collect = float(numbers[2]) if len(numbers) == 3 else None
    if npoints != numbers[0] or npoints < 1:
        raise ScanSyntaxError(f"{name}: the number of points must be a positive integer, not {numbers[0]!r}")
    if not pause >= 0 or math.isinf(pause):
        raise ScanSyntaxError(f"{name}: the pause time must be a finite number >= 0, not {_text(numbers[1])}")
    # the times as a list of positions: exactly npoints of them, also with no pause between
    scan_args: list[Any] = [TimeScannable("time"), tuple(i * pause for i in range(npoints))]
    for d in devices:
        scan_args.append(d)
        if collect is not None and dev.is_detector(d):
            scan_args.append(collect)
    return _run(scan_args, name, command_text(name, args))


def timescan(*args: Any) -> ScanResult:
    """timescan [det...] numberOfPoints pauseTime [collectTime]: read the devices at fixed times."""
    args = unpacked(args)
    return _time_scan("timescan", args)


def tscan(*args: Any) -> ScanResult:
    """tscan numberOfPoints pauseTime [collectTime] scannable...: as timescan."""
    args = unpacked(args)
    return _time_scan("tscan", args)


def testscan(*args: Any) -> str:
    """Check a scan command without moving anything; returns (and prints) what it would do."""
    args = unpacked(args)
    scan = bridge.JavaScan(scan_arguments(args, "testscan"), command=command_text("scan", args))
    scan.validate()
    npoints = math.prod(scan.dimensions)
    about = duration_text(estimate_plan(scan).seconds)
    message = f"testscan: {scan.command} is valid: {npoints} points in dimensions {list(scan.dimensions)}, about {about}"
    context().output(message)
    return message


def estimate_scan(*args: Any) -> float:
    """Seconds ``scan(*args)`` should take (gda_bridge.scans.estimate), without moving anything."""
    args = unpacked(args)
    return estimate_plan(bridge.JavaScan(scan_arguments(args, "scan"), command=command_text("scan", args))).seconds


def _spec_tail(tail: Sequence[Any], command: str) -> list[Any]:
    """What follows the motors in a SPEC scan: a counting time for the configured counters, or
    explicit detectors with optional times."""
    if len(tail) == 1 and isinstance(tail[0], Number):
        counters = context().spec_counters
        if not counters:
            raise ScanSyntaxError(
                f"{command}: no counters are configured for SPEC-style scans; "
                "name detectors after the intervals or call set_spec_counters(det, ...)"
            )
        out: list[Any] = []
        for c in counters:
            out += [c, tail[0]]
        return out
    return list(tail)


def _intervals(value: Any, command: str) -> int:
    if not isinstance(value, Number) or int(value) != value or value < 1:
        raise ScanSyntaxError(f"{command}: intervals must be a positive integer, not {_text(value)}")
    return int(value)


def _interval_step(start: Any, finish: Any, intervals: int) -> Any:
    """(finish - start) / intervals, per field; a zero step becomes 1 (one point either way)."""
    if isinstance(start, list):
        return [((f - s) / intervals) or 1.0 for s, f in zip(start, finish, strict=True)]
    return ((finish - start) / intervals) or 1.0


def _motor_range(motor: Any, start: Any, finish: Any, command: str) -> tuple[Any, Any]:
    if not dev.is_scannable(motor):
        raise ScanSyntaxError(f"{command}: {_text(motor)} is not a scannable")
    return single_position(motor, start, command, "start"), single_position(motor, finish, command, "finish")


def _spec(name: str, args: Sequence[Any], nmotors: int, relative: bool) -> ScanResult:
    need = 3 * nmotors + 1
    if len(args) < need:
        raise ScanSyntaxError(
            f"{name}: usage: {name} " + " ".join(f"m{i} s{i} f{i}" for i in range(1, nmotors + 1)) + " intervals time"
        )
    intervals = _intervals(args[need - 1], name)
    scan_args: list[Any] = []
    found = []
    for i in range(nmotors):
        motor, start, finish = args[3 * i : 3 * i + 3]
        start, finish = _motor_range(motor, start, finish, name)
        if relative:
            here = dev.position(motor)
            start, finish = _shift(start, here, motor, name), _shift(finish, here, motor, name)
        step = _interval_step(start, finish, intervals)
        if i == 0:
            scan_args += [motor, start, finish, step]
        else:
            scan_args += [motor, start, step]
        found.append(Group(motor, [start]))
    scan_args += _spec_tail(args[need:], name)
    command = command_text(name, args)
    if relative:
        return _returning(found, scan_args, name, command)
    return _run(scan_args, name, command)


def ascan(*args: Any) -> ScanResult:
    """ascan motor start finish intervals time"""
    args = unpacked(args)
    return _spec("ascan", args, 1, relative=False)


def a2scan(*args: Any) -> ScanResult:
    """a2scan m1 s1 f1 m2 s2 f2 intervals time"""
    args = unpacked(args)
    return _spec("a2scan", args, 2, relative=False)


def a3scan(*args: Any) -> ScanResult:
    """a3scan m1 s1 f1 m2 s2 f2 m3 s3 f3 intervals time"""
    args = unpacked(args)
    return _spec("a3scan", args, 3, relative=False)


def dscan(*args: Any) -> ScanResult:
    """dscan motor start finish intervals time, relative to where the motor is; returns it there."""
    args = unpacked(args)
    return _spec("dscan", args, 1, relative=True)


def d2scan(*args: Any) -> ScanResult:
    """d2scan m1 s1 f1 m2 s2 f2 intervals time (relative)"""
    args = unpacked(args)
    return _spec("d2scan", args, 2, relative=True)


def d3scan(*args: Any) -> ScanResult:
    """d3scan m1 s1 f1 m2 s2 f2 m3 s3 f3 intervals time (relative)"""
    args = unpacked(args)
    return _spec("d3scan", args, 3, relative=True)


lup = dscan


def mesh(*args: Any) -> ScanResult:
    """mesh m1 s1 f1 intervals1 m2 s2 f2 intervals2 time: a grid, m2 fastest."""
    args = unpacked(args)
    if len(args) < 9:
        raise ScanSyntaxError("mesh: usage: mesh m1 s1 f1 intervals1 m2 s2 f2 intervals2 time")
    scan_args: list[Any] = []
    for i in (0, 4):
        motor, start, finish, intervals = args[i : i + 4]
        start, finish = _motor_range(motor, start, finish, "mesh")
        scan_args += [motor, start, finish, _interval_step(start, finish, _intervals(intervals, "mesh"))]
    scan_args += _spec_tail(args[8:], "mesh")
    return _run(scan_args, "mesh", command_text("mesh", args))
