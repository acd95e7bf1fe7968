"""GDA's software fly scans (gdascripts' flyscan_script): ``flyscan``, ``flyscancn`` and ``fscan``.

Each is a step scan by the Java engine over a :class:`~gda_bridge.devices.flying.FlyScannable`:
the motor makes one move at constant speed and each point waits until its readback has passed the
point's demand. See docs/flyscan.md.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from numbers import Real
from typing import Any

from gda_bridge.commands import devices as dev
from gda_bridge.commands.motion import move_to
from gda_bridge.commands.positions import scan_arguments, show
from gda_bridge.commands.scanning import command_text
from gda_bridge.commands.vararg import unpacked
from gda_bridge.core.errors import ScanSyntaxError
from gda_bridge.devices.flying import FlyMotor, FlyScannable
from gda_bridge.scans.context import context
from gda_bridge.scans.result import ScanResult
from gda_bridge.scans.runner import run_scan

log = logging.getLogger("gda_bridge.commands.flyscan")

NPOINTS_TOLERANCE = 1e-10
"""As the engine's: a range a hair short of a whole number of steps still has that many."""

_dead_time = 0.0


def setflyscandeadtime(seconds: float) -> None:
    """GDA's default dead time added to each point when a flyscan gives none after the exposure."""
    global _dead_time
    value = float(seconds)
    if not value >= 0 or math.isinf(value):
        raise ScanSyntaxError(f"setflyscandeadtime: the dead time must be a finite number >= 0, not {seconds!r}")
    _dead_time = value


def getflyscandeadtime() -> float:
    """The dead time flyscan adds when none is given."""
    return _dead_time


def _is_number(value: Any) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool)


def _number(value: Any, command: str, what: str) -> float:
    if not _is_number(value) or not math.isfinite(float(value)):
        raise ScanSyntaxError(f"{command}: {what} must be a finite number, not {show(value)}")
    return float(value)


@dataclass
class _Tail:
    """What follows the fly motor's numbers: detectors with their times, other scannables."""

    args: list[Any] = field(default_factory=list)
    point_time: float | None = None


def _tail(rest: Sequence[Any], command: str) -> _Tail:
    """det [exposure [dead_time]] ... [other scannables [their positions]]: the dead time is taken
    out (the engine has no use for it), the exposure stays after its detector."""
    out = _Tail()
    times: list[float] = []
    i = 0
    while i < len(rest):
        a = rest[i]
        out.args.append(a)
        i += 1
        if not dev.is_detector(a):
            continue
        if i < len(rest) and _is_number(rest[i]):
            exposure = _number(rest[i], command, f"the exposure time of {dev.name_of(a)}")
            out.args.append(rest[i])
            i += 1
            dead = _dead_time
            if i < len(rest) and _is_number(rest[i]):
                dead = _number(rest[i], command, f"the dead time of {dev.name_of(a)}")
                i += 1
            if exposure < 0 or dead < 0:
                raise ScanSyntaxError(f"{command}: {dev.name_of(a)}: exposure {exposure:g} and dead time "
                                      f"{dead:g} must be >= 0")
            times.append(exposure + dead)
        else:
            collection = float(a.getCollectionTime()) if hasattr(a, "getCollectionTime") else 0.0
            if collection > 0:
                times.append(collection + _dead_time)
    if not any(dev.is_detector(a) for a in out.args):
        raise ScanSyntaxError(f"{command}: no detector: usage: {command} scannable ... det [exposure_time] [dead_time]")
    if not times:
        raise ScanSyntaxError(f"{command}: give the detector an exposure time: the fly speed comes from it "
                              f"(e.g. {command} ... {dev.name_of(next(a for a in out.args if dev.is_detector(a)))} 0.1)")
    out.point_time = max(times)  # the slowest detector sets the pace
    return out


def _fly_motor(motor: Any, command: str) -> Any:
    if not dev.is_scannable(motor) or dev.is_detector(motor):
        raise ScanSyntaxError(f"{command}: the first argument must be the scannable to fly, not {show(motor)}")
    if not isinstance(motor, FlyMotor):
        raise ScanSyntaxError(f"{command}: {dev.name_of(motor)} cannot fly: it has no speed to set "
                              "(an EpicsMotor or SimMotor can)")
    return motor


def _wrapper(motor: Any, demands: list[float], end: float, fly_range: float, tail: _Tail,
             command: str) -> FlyScannable:
    """The wrapper at the speed the points need, capped at the motor's maximum (with a message)."""
    assert tail.point_time is not None
    name = dev.name_of(motor)
    npoints = len(demands)
    requested = fly_range / (tail.point_time * npoints) if tail.point_time > 0 else math.inf
    speed = requested
    top = motor.max_speed()
    if top is not None and requested > top:
        speed = top
        message = (f"{command}: {name}: the speed the points need, {requested:.4g}/s, is above the motor's "
                   f"maximum {top:.4g}/s: flying at {top:.4g}/s, each point takes "
                   f"{fly_range / npoints / top:.3g} s instead of {tail.point_time:.3g} s")
        log.warning("%s", message)
        context().output(message)
    wrapper = FlyScannable(motor, demands, speed, end=end)
    wrapper.warn_late = False  # printed by _run, once
    context().output(f"{command}: {name} flies from {wrapper.run_up:g} to {wrapper.run_down:g} at {speed:.4g}/s: "
                     f"{npoints} point(s) from {demands[0]:g} to {demands[-1]:g}")
    return wrapper


def _flyscan_parts(args: Sequence[Any], command: str) -> tuple[FlyScannable, list[Any]]:
    if len(args) < 4:
        raise ScanSyntaxError(f"{command}: usage: {command} scannable start stop [step] det [exposure_time] "
                              "[dead_time] [other scannables]")
    motor = _fly_motor(args[0], command)
    start = _number(args[1], command, "start")
    stop = _number(args[2], command, "stop")
    if start == stop:
        raise ScanSyntaxError(f"{command}: {dev.name_of(motor)}: start and stop are both {start:g}: nothing to fly")
    rest = list(args[3:])
    if rest and _is_number(rest[0]):
        step = abs(_number(rest.pop(0), command, "step"))
        if step == 0:
            raise ScanSyntaxError(f"{command}: {dev.name_of(motor)}: the step must not be 0")
    else:  # one exposure over the whole fly
        step = abs(stop - start)
    npoints = math.floor((abs(stop - start) + step * NPOINTS_TOLERANCE) / step)
    if npoints < 1:
        raise ScanSyntaxError(f"{command}: {dev.name_of(motor)}: step {step:g} is longer than the range "
                              f"{start:g} to {stop:g}")
    sign = 1.0 if stop > start else -1.0
    demands = [start + sign * k * step for k in range(npoints)]
    tail = _tail(rest, command)
    return _wrapper(motor, demands, stop, abs(stop - start), tail, command), tail.args


def _flyscancn_parts(args: Sequence[Any], command: str) -> tuple[FlyScannable, list[Any], float]:
    if len(args) < 4:
        raise ScanSyntaxError(f"{command}: usage: {command} scannable step numberOfPoints det [exposure_time] "
                              "[dead_time] [other scannables]")
    motor = _fly_motor(args[0], command)
    step = _number(args[1], command, "step")
    n = args[2]
    if not _is_number(n) or int(n) != n or n <= 1:
        raise ScanSyntaxError(f"{command}: {dev.name_of(motor)}: the number of points must be an integer > 1, "
                              f"not {show(n)}")
    if step == 0:
        raise ScanSyntaxError(f"{command}: {dev.name_of(motor)}: the step must not be 0")
    npoints = int(n)
    here = dev.position(motor)
    centre = float(here[0] if isinstance(here, (list, tuple)) else here)
    start = centre - step * (npoints - 1) / 2.0
    demands = [start + k * step for k in range(npoints)]
    end = demands[-1] + step  # the last point's exposure ends one step on, as in GDA
    tail = _tail(list(args[3:]), command)
    return _wrapper(motor, demands, end, abs(step) * npoints, tail, command), tail.args, centre


def _scan_args(wrapper: FlyScannable, outer: Sequence[Any], tail: list[Any]) -> list[Any]:
    levels = [dev.level_of(a) for a in outer if dev.is_scannable(a) and not dev.is_detector(a)]
    if levels:  # the fly starts only after the outer dimensions' moves of its line are over
        wrapper.level = max(wrapper.level, max(levels) + 1)
    return [*outer, wrapper, tuple(wrapper.demands), *tail]


def _run(wrapper: FlyScannable, args: list[Any], command: str, text: str) -> ScanResult:
    try:
        return run_scan(scan_arguments(args, command), command=text)
    finally:
        summary = wrapper.late_summary()
        if summary:
            context().output(summary)


def flyscan(*args: Any) -> ScanResult:
    """flyscan scannable start stop [step] det [exposure_time] [dead_time] [other scannables]:
    the scannable moves non-stop from start to stop, det is collected as it passes each step point
    (start, start+step, ... before stop); without a step, one exposure over the whole fly."""
    args = unpacked(args)
    wrapper, tail = _flyscan_parts(args, "flyscan")
    return _run(wrapper, _scan_args(wrapper, [], tail), "flyscan", command_text("flyscan", args))


def flyscancn(*args: Any) -> ScanResult:
    """flyscancn scannable step numberOfPoints det [exposure_time] [dead_time] [other scannables]:
    a fly scan of numberOfPoints points centred on where the scannable is; returns it there."""
    args = unpacked(args)
    wrapper, tail, centre = _flyscancn_parts(args, "flyscancn")
    result = _run(wrapper, _scan_args(wrapper, [], tail), "flyscancn", command_text("flyscancn", args))
    if context().return_to_start:
        move_to([(wrapper.motor, centre)])
    return result


def _fly_command(value: Any) -> str | None:
    name = getattr(value, "__name__", None)
    if callable(value) and not dev.is_scannable(value) and name in ("flyscan", "flyscancn"):
        return str(name)
    return None


def fscan(*args: Any) -> ScanResult:
    """fscan scn start stop step [scnN ...] ... flyscan fscn fstart fstop [fstep] det [exposure_time]
    [dead_time], or ... flyscancn fscn fstep numberOfPoints det ...: a fly scan as the innermost
    dimension of a step scan."""
    args = unpacked(args)
    found = [(i, _fly_command(a)) for i, a in enumerate(args) if _fly_command(a)]
    if len(found) != 1:
        raise ScanSyntaxError(f"fscan: the command must contain exactly one flyscan or flyscancn, not {len(found)}: "
                              "usage: fscan scn start stop step ... flyscan fscn fstart fstop [fstep] det [exposure_time]")
    at, kind = found[0]
    outer, inner = list(args[:at]), list(args[at + 1:])
    if not outer:
        raise ScanSyntaxError(f"fscan: no outer scannable before {kind}: use {kind} alone")
    if kind == "flyscan":
        wrapper, tail = _flyscan_parts(inner, "fscan")
    else:
        wrapper, tail, _ = _flyscancn_parts(inner, "fscan")
    text = " ".join([command_text("fscan", outer), kind, command_text(str(kind), inner).split(" ", 1)[1]])
    return _run(wrapper, _scan_args(wrapper, outer, tail), "fscan", text)
