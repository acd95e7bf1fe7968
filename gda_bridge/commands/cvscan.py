"""``cvscan``: a constant-velocity fly scan with hardware triggers, as GDA's cvscan.

``cvscan [outer start stop step ...] sx start stop step det exposure [det2 exposure] [others]``:
the last scannable given ``start stop step`` moves continuously, one motion per line; the box
that follows its encoder (its ``position_compare``, set by the box's driver from the beamline
configuration) fires a trigger at each demand, and the buffered detectors (a multi-channel
scaler, a camera writing its own file) take one frame per trigger and are read back after the
line. Scannables before it with ``start stop step`` are outer dimensions, stepped as in a
``scan``. Every detector's exposure, where given, must be the same (it is the time per point).
"""

from __future__ import annotations

from typing import Any

from gda_bridge.commands import devices as dev
from gda_bridge.commands.positions import Group, flatten, groups, scan_arguments, show
from gda_bridge.commands.scanning import command_text
from gda_bridge.commands.vararg import unpacked
from gda_bridge.core.errors import ScanSyntaxError
from gda_bridge.scans.result import ScanResult
from gda_bridge.scans.runner import run_scan

USAGE = "cvscan [outer start stop step ...] motor start stop step detector exposure [detector exposure] ..."


def _continuous(found: list[Group]) -> Group:
    moving = [g for g in found if len(g.values) == 3 and not dev.is_detector(g.device)]
    if not moving:
        raise ScanSyntaxError(f"cvscan: no motor with start stop step; usage: {USAGE}")
    return moving[-1]


def _line_for(motor: Any) -> Any:
    box = getattr(motor, "position_compare", None)
    if box is None:
        raise ScanSyntaxError(
            f"cvscan: {dev.name_of(motor)} has no position-compare box to trigger the detectors; give one in "
            f"the beamline configuration (driver epics_position_compare, motor = \"@{dev.name_of(motor)}\")")
    return box.line(motor)


def _check_exposures(found: list[Group]) -> None:
    times = {float(g.values[0]) for g in found if dev.is_detector(g.device) and len(g.values) == 1}
    if len(times) > 1:
        raise ScanSyntaxError(f"cvscan: the detectors' exposures differ ({', '.join(show(t) for t in sorted(times))}); "
                              "every detector of a line takes one frame per trigger, so give them one time")


def cvscan(*args: Any) -> ScanResult:
    """cvscan [outer start stop step ...] motor start stop step det exposure ...: one motion per
    line, the detectors triggered by the motor's position-compare box and read back after it."""
    args = unpacked(args)
    text = command_text("cvscan", args)
    found = groups(args, "cvscan")
    fly = _continuous(found)
    _check_exposures(found)
    checked = scan_arguments(flatten(found), "cvscan")
    line = _line_for(fly.device)
    return run_scan([line if a is fly.device else a for a in checked], command=text)
