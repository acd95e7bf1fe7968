"""pos, upos, inc, uinc: move devices level by level, as GDA's ScannableCommands do."""

from __future__ import annotations

import inspect
import logging
import time
from collections.abc import Sequence
from itertools import groupby
from typing import Any

from gda_bridge import bridge
from gda_bridge.commands import devices as dev
from gda_bridge.commands.positions import move_target
from gda_bridge.commands.vararg import unpacked
from gda_bridge.core.errors import DeviceError, ScanSyntaxError
from gda_bridge.devices.base import as_list
from gda_bridge.scans.context import context

log = logging.getLogger("gda_bridge.commands")

UPDATE_INTERVAL = 0.5


def _pairs(args: Sequence[Any], command: str) -> list[tuple[Any, Any]]:
    """(device, target) pairs, every target one whole position of its device (GDA moves to the
    value given; a list for a one-field device would otherwise lose all but its first item)."""
    if len(args) == 1 and isinstance(args[0], (list, tuple)):  # GDA's vararg form: pos([x, 1]), pos((x, 1))
        args = args[0]
    if len(args) % 2:
        raise ScanSyntaxError(f"{command}: expected pairs of scannable and position, got {len(args)} arguments")
    pairs = []
    for device, target in zip(args[::2], args[1::2], strict=True):
        if not dev.is_scannable(device):
            raise ScanSyntaxError(f"{command}: {device!r} is not a scannable")
        pairs.append((device, move_target(device, target, command)))
    return pairs


def _relative(device: Any, delta: Any) -> Any:
    here = as_list(dev.position(device))
    deltas = as_list(delta)
    moved = [h if d is None else float(h) + float(d) for h, d in zip(here, deltas, strict=False)]
    return moved[0] if len(moved) == 1 else moved


def _move(pairs: list[tuple[Any, Any]], updates: bool) -> None:
    """Validate every target, then move level by level; on any error or Ctrl-C stop what moves."""
    for device, target in pairs:
        reason = dev.check_valid(device, target)
        if reason is not None:
            raise DeviceError(reason)
    everything = [d for d, _ in pairs]
    started: list[Any] = []
    try:
        with bridge.interruptible():
            _move_levels(pairs, started, updates)
    except BaseException:
        for device in started:
            try:
                device.stop()
            except Exception:
                log.exception("stopping %s after a failed move", dev.name_of(device))
        for device in everything:
            try:
                dev.call_hook(device, "atCommandFailure")
            except Exception:
                log.exception("atCommandFailure of %s", dev.name_of(device))
        raise


def _move_levels(pairs: list[tuple[Any, Any]], started: list[Any], updates: bool) -> None:
    ordered = sorted(pairs, key=lambda p: dev.level_of(p[0]))
    for _, group in groupby(ordered, key=lambda p: dev.level_of(p[0])):
        level = list(group)
        for device, _ in level:
            dev.call_hook(device, "atLevelStart")
            dev.call_hook(device, "atLevelMoveStart")
        for device, target in level:
            dev.start_move(device, target)
            started.append(device)
        for device, _ in level:
            if updates:
                _wait_with_updates(device)
            dev.wait(device)
        for device, _ in level:
            dev.call_hook(device, "atLevelEnd")


def _wait_with_updates(device: Any) -> None:
    out = context().output
    while dev.is_busy(device):
        out(dev.formatted(device))
        deadline = time.monotonic() + UPDATE_INTERVAL
        while dev.is_busy(device) and time.monotonic() < deadline:
            time.sleep(0.02)


def _namespace_scannables(frame_depth: int = 2) -> list[Any]:
    frame = inspect.currentframe()
    for _ in range(frame_depth):
        frame = frame.f_back if frame is not None else None
    names = frame.f_globals if frame is not None else {}
    return sorted((v for v in names.values() if dev.is_scannable(v)), key=dev.name_of)


def pos(*args: Any) -> None:
    """pos: list every scannable; pos x: show x; pos x 1 y 2: move them and show where they went."""
    args = unpacked(args)
    out = context().output
    if not args:
        for device in _namespace_scannables():
            out(dev.formatted(device))
        return
    if len(args) == 1 and dev.is_scannable(args[0]):
        out(dev.formatted(args[0]))
        return
    pairs = _pairs(args, "pos")
    _move(pairs, updates=False)
    for device, _ in pairs:
        out(f"Move completed: {dev.formatted(device)}")


def upos(*args: Any) -> None:
    """pos that prints the position while the move goes on."""
    args = unpacked(args)
    if len(args) < 2:
        pos(*args)
        return
    pairs = _pairs(args, "upos")
    _move(pairs, updates=True)
    for device, _ in pairs:
        context().output(f"Move completed: {dev.formatted(device)}")


def inc(*args: Any) -> None:
    """inc x 1: move x by 1 from where it is."""
    args = unpacked(args)
    pairs = [(d, _relative(d, delta)) for d, delta in _pairs(args, "inc")]
    _move(pairs, updates=False)
    for device, _ in pairs:
        context().output(f"Relative move complete: {dev.formatted(device)}")


def uinc(*args: Any) -> None:
    """inc that prints the position while the move goes on."""
    args = unpacked(args)
    pairs = [(d, _relative(d, delta)) for d, delta in _pairs(args, "uinc")]
    _move(pairs, updates=True)
    for device, _ in pairs:
        context().output(f"Relative move complete: {dev.formatted(device)}")


def move_to(pairs: list[tuple[Any, Any]]) -> None:
    """Move devices as pos does, silently (scan commands return to their start with this)."""
    _move(pairs, updates=False)
