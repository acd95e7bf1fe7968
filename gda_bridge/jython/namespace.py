"""The commands a legacy script's namespace holds, with GDA's manners on top of ours:

- scans and moves raise the exceptions scripts catch (``ScanInterruptedException``...);
- a ``ScanPositionProvider`` may stand where a tuple of positions would;
- ``scansReturnToOriginalPositions = 1`` in the namespace makes every scan move the scannables it
  moved back to where they were (GDA's flag; rscan, cscan and dscan always return);
- ``pause()`` / ``resume()`` / ``abort()`` act on the running scan, or else on the running script
  at its next ``checkForPauses()``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import gda_bridge.commands as commands
import gda_bridge.devices as devices
from gda_bridge.commands import devices as dev
from gda_bridge.commands.motion import move_to
from gda_bridge.commands.vararg import unpacked
from gda_bridge.jython.interrupts import exception_names, interruptible, script_controller
from gda_bridge.scans.context import context

RETURN_FLAG = "scansReturnToOriginalPositions"
# Scans that do not return by themselves; with the flag set they do.
_PLAIN_SCANS = ("scan", "pscan", "gscan", "ascan", "a2scan", "a3scan", "mesh")
_MOVES = ("pos", "upos", "inc", "uinc")
_OTHER_SCANS = ("rscan", "cscan", "dscan", "d2scan", "d3scan", "lup", "staticscan", "timescan", "tscan",
                "flyscan", "flyscancn", "fscan", "cvscan")


def is_position_provider(obj: Any) -> bool:
    """GDA's ScanPositionProvider: ``get(i)`` and ``size()``, and not a device."""
    return (
        callable(getattr(obj, "get", None))
        and callable(getattr(obj, "size", None))
        and not dev.is_scannable(obj)
        and not isinstance(obj, dict)
    )


def _positions(args: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(
        tuple(a.get(i) for i in range(int(a.size()))) if is_position_provider(a) else a for a in args
    )


def _moved_scannables(args: tuple[Any, ...]) -> list[Any]:
    """The scannables of a scan command that are given positions (the ones a scan moves)."""
    moved = []
    for i, a in enumerate(args):
        if not dev.is_scannable(a) or dev.is_detector(a):
            continue
        following = args[i + 1] if i + 1 < len(args) else None
        if following is not None and not dev.is_scannable(following):
            moved.append(a)
    return moved


def scan_command(
    func: Callable[..., Any], namespace: dict[str, Any] | None = None, returns_by_flag: bool = False
) -> Callable[..., Any]:
    """A scan command for scripts: position providers accepted, interrupts catchable, and (for
    plain scans) GDA's scansReturnToOriginalPositions flag honoured."""

    @functools.wraps(func)
    def command(*args: Any) -> Any:
        args = _positions(unpacked(args))  # GDA's vararg form too: scan([x, 0, 1, 1])
        flag = namespace.get(RETURN_FLAG) if namespace is not None and returns_by_flag else None
        starts = [(d, dev.position(d)) for d in _moved_scannables(args)] if flag else []
        result = func(*args)
        if starts and context().return_to_start:
            move_to(starts)
        return result

    return interruptible(command, "Scan")


def commands_for(namespace: dict[str, Any] | None = None) -> dict[str, Any]:
    """The GDA commands as scripts get them (``namespace`` is where the return flag is read)."""
    found: dict[str, Any] = {}
    for name in commands.__all__:
        found[name] = getattr(commands, name)
    for name in _PLAIN_SCANS:
        found[name] = scan_command(getattr(commands, name), namespace, returns_by_flag=True)
    for name in (*_OTHER_SCANS, "testscan"):
        found[name] = scan_command(getattr(commands, name))
    for name in _MOVES:
        found[name] = interruptible(getattr(commands, name), "Move")
    if namespace is not None:
        found["pos"] = _pos_listing(found["pos"], namespace)
        found["ls"] = functools.wraps(commands.ls)(
            lambda kind="all": commands.ls(kind, namespace=_devices_in(namespace))
        )
    found.update(pause=pause, resume=resume, abort=abort, checkForPauses=checkForPauses)
    return found


def _devices_in(namespace: dict[str, Any]) -> dict[str, Any]:
    """The namespace's devices (not the device classes, which look like devices to duck typing)."""
    return {k: v for k, v in namespace.items() if not isinstance(v, type) and dev.is_scannable(v)}


def _pos_listing(pos: Callable[..., Any], namespace: dict[str, Any]) -> Callable[..., Any]:
    """pos with no arguments lists the devices of the script namespace."""

    @functools.wraps(pos)
    def command(*args: Any) -> Any:
        if args:
            return pos(*args)
        for device in sorted(_devices_in(namespace).values(), key=dev.name_of):
            context().output(dev.formatted(device))
        return None

    return command


def pause() -> None:
    """Pause the running scan; with none running, pause the script at its next checkForPauses()."""
    if context().running is not None:
        commands.pause()
    else:
        script_controller().pause()


def resume() -> None:
    """Resume the paused scan and the paused script."""
    if context().running is not None:
        commands.resume()
    script_controller().resume()


def abort() -> None:
    """Abort the running scan (its caller gets ScanInterruptedException), or else the script at its
    next checkForPauses()."""
    if context().running is not None:
        commands.abort()
    else:
        script_controller().abort()


def checkForPauses() -> None:  # noqa: N802 - GDA's name
    """Wait here while the script is paused; raise ScanInterruptedException if it was aborted."""
    script_controller().check_for_pauses()


def base_namespace() -> dict[str, Any]:
    """Names every legacy script finds without importing anything: our device bases and exception
    names (GDA's standard imports, Java classes, come when first used: see lazy_names)."""
    names: dict[str, Any] = {}
    for name in devices.__all__:
        names[name] = getattr(devices, name)
    names.update(exception_names())
    return names
