"""The scan commands of GDA (scan, rscan, cscan, pscan, gscan, staticscan, timescan, tscan,
testscan) and SPEC (ascan, a2scan, a3scan, dscan, d2scan, d3scan, mesh), all run by the Java
ConcurrentScan engine."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from numbers import Number
from typing import Any

from gda_bridge.bridge import JavaScan
from gda_bridge.commands import devices as dev
from gda_bridge.commands.motion import move_to
from gda_bridge.commands.vararg import unpacked
from gda_bridge.core.errors import ScanSyntaxError
from gda_bridge.devices.base import ScannableBase, as_list
from gda_bridge.devices.timing import TimeScannable
from gda_bridge.scans.context import context
from gda_bridge.scans.result import ScanResult
from gda_bridge.scans.runner import run_scan


@dataclass
class _Group:
    """A device and the values that follow it on the command line."""

    device: Any
    values: list[Any] = field(default_factory=list)


def _groups(args: Sequence[Any], command: str) -> list[_Group]:
    groups: list[_Group] = []
    for a in args:
        if dev.is_scannable(a):
            groups.append(_Group(a))
        elif not groups:
            raise ScanSyntaxError(f"{command}: the first argument must be a scannable, not {a!r}")
        else:
            groups[-1].values.append(a)
    return groups


def _flatten(groups: list[_Group]) -> list[Any]:
    return [x for g in groups for x in (g.device, *g.values)]


def _text(value: Any) -> str:
    if dev.is_scannable(value):
        return dev.name_of(value)
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


def _shift(value: Any, by: Any) -> Any:
    if isinstance(value, tuple):
        return tuple(_shift(v, by) for v in value)
    if isinstance(value, list):
        base = as_list(by)
        return [v + b for v, b in zip(value, base, strict=False)]
    here = as_list(by)
    return value + here[0]


def _scale(value: Any, factor: float) -> Any:
    if isinstance(value, list):
        return [v * factor for v in value]
    return value * factor


def _returning(groups: list[_Group], args: list[Any], command: str) -> ScanResult:
    """Run the scan, then move the scanned scannables back to where they were (not after Ctrl-C
    or an abort: then everything stays stopped)."""
    moved = [g.device for g in groups if g.values and not dev.is_detector(g.device)]
    starts = [(d, dev.position(d)) for d in moved]
    result = run_scan(args, command=command)
    if context().return_to_start and starts:
        move_to(starts)
    return result


def scan(*args: Any) -> ScanResult:
    """scan scn1 start stop step [scnN [start [[stop] step]]] ... [det [time]] ..."""
    args = unpacked(args)
    return run_scan(args, command=command_text("scan", args))


def rscan(*args: Any) -> ScanResult:
    """scan relative to where every scanned scannable is now; returns them there afterwards."""
    args = unpacked(args)
    groups = _groups(args, "rscan")
    for g in groups:
        if dev.is_detector(g.device) or not g.values:
            continue
        here = dev.position(g.device)
        v = g.values
        if len(v) >= 3:  # start stop step
            v[0], v[1] = _shift(v[0], here), _shift(v[1], here)
        else:  # start step, a position, or a tuple of positions
            v[0] = _shift(v[0], here)
    return _returning(groups, _flatten(groups), command_text("rscan", args))


def cscan(*args: Any) -> ScanResult:
    """cscan scn halfwidth step [scnN halfwidth step]... [det [time]]: centred on where each
    scannable is now; returns them there afterwards."""
    args = unpacked(args)
    groups = _groups(args, "cscan")
    first = True
    for g in groups:
        if dev.is_detector(g.device) or len(g.values) != 2:
            continue
        here = dev.position(g.device)
        half, step = g.values
        start = _shift(_scale(half, -1.0), here)
        if first:
            g.values = [start, _shift(half, here), step]
            first = False
        else:
            g.values = [start, step]
    if first:
        raise ScanSyntaxError("cscan: usage: cscan scannable halfwidth step [scannable halfwidth step]... [detector [time]]")
    return _returning(groups, _flatten(groups), command_text("cscan", args))


def pscan(*args: Any) -> ScanResult:
    """pscan scn start step npoints [scnN start step]... [det [time]]."""
    args = unpacked(args)
    groups = _groups(args, "pscan")
    first = groups[0]
    if len(first.values) != 3:
        raise ScanSyntaxError("pscan: usage: pscan scannable start step numberOfPoints [scannable start step]... [detector [time]]")
    start, step, npoints = first.values
    if int(npoints) != npoints or npoints < 1:
        raise ScanSyntaxError(f"pscan: the number of points must be a positive integer, not {npoints!r}")
    stop = [s + p * (int(npoints) - 1) for s, p in zip(as_list(start), as_list(step), strict=True)]
    first.values = [start, stop if isinstance(start, list) else stop[0], step]
    return run_scan(_flatten(groups), command=command_text("pscan", args))


def gscan(*args: Any) -> ScanResult:
    """gscan scn start stop step [det [time]]: GDA's grid scan of one scannable."""
    args = unpacked(args)
    if not 4 <= len(args) <= 6:
        raise ScanSyntaxError("gscan: usage: gscan scannable start stop step [detector [time]]")
    return run_scan(args, command=command_text("gscan", args))


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
    return run_scan([_StaticPoint(), (0.0,), *args], command=command_text("staticscan", args))


def _time_scan(name: str, args: Sequence[Any]) -> ScanResult:
    numbers = [a for a in args if isinstance(a, Number)]
    devices = [a for a in args if not isinstance(a, Number)]
    if len(numbers) not in (2, 3):
        raise ScanSyntaxError(f"{name}: usage: {name} [detector...] numberOfPoints pauseTime [collectTime]")
    npoints, pause = int(numbers[0]), float(numbers[1])
    collect = float(numbers[2]) if len(numbers) == 3 else None
    if npoints < 1:
        raise ScanSyntaxError(f"{name}: the number of points must be at least 1, not {npoints}")
    timer = TimeScannable("time")
    scan_args: list[Any] = [timer, 0.0, (npoints - 1) * pause if npoints > 1 else 0.0, pause if pause > 0 else 1.0]
    for d in devices:
        scan_args.append(d)
        if collect is not None and dev.is_detector(d):
            scan_args.append(collect)
    return run_scan(scan_args, command=command_text(name, args))


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
    scan = JavaScan(args, command=command_text("scan", args))
    scan.validate()
    npoints = math.prod(scan.dimensions)
    message = f"testscan: {scan.command} is valid: {npoints} points in dimensions {list(scan.dimensions)}"
    context().output(message)
    return message


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


def _spec(name: str, args: Sequence[Any], nmotors: int, relative: bool) -> ScanResult:
    need = 3 * nmotors + 1
    if len(args) < need:
        raise ScanSyntaxError(
            f"{name}: usage: {name} " + " ".join(f"m{i} s{i} f{i}" for i in range(1, nmotors + 1)) + " intervals time"
        )
    intervals = args[need - 1]
    if not isinstance(intervals, Number) or int(intervals) != intervals or intervals < 1:
        raise ScanSyntaxError(f"{name}: intervals must be a positive integer, not {intervals!r}")
    intervals = int(intervals)
    scan_args: list[Any] = []
    groups = []
    for i in range(nmotors):
        motor, start, finish = args[3 * i : 3 * i + 3]
        if relative:
            here = dev.position(motor)
            start, finish = _shift(start, here), _shift(finish, here)
        step = (finish - start) / intervals
        if i == 0:
            scan_args += [motor, start, finish, step if step else 1.0]
        else:
            scan_args += [motor, start, step]
        groups.append(_Group(motor, [start]))
    scan_args += _spec_tail(args[need:], name)
    command = command_text(name, args)
    if relative:
        return _returning(groups, scan_args, command)
    return run_scan(scan_args, command=command)


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
        if not isinstance(intervals, Number) or int(intervals) != intervals or intervals < 1:
            raise ScanSyntaxError(f"mesh: intervals must be a positive integer, not {intervals!r}")
        step = (finish - start) / int(intervals)
        scan_args += [motor, start, finish, step if step else 1.0]
    scan_args += _spec_tail(args[8:], "mesh")
    return run_scan(scan_args, command=command_text("mesh", args))
