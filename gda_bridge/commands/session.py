"""Session commands: ls, level, default scannables, SPEC counters, scan control from any thread."""

from __future__ import annotations

import inspect
from typing import Any

from gda_bridge.commands import devices as dev
from gda_bridge.core.errors import GdaBridgeError, ScanSyntaxError
from gda_bridge.scans.context import context
from gda_bridge.scans.datapoint import ScanDataPoint


def _caller_globals() -> dict[str, Any]:
    frame = inspect.currentframe()
    caller = frame.f_back.f_back if frame is not None and frame.f_back is not None else None
    return caller.f_globals if caller is not None else {}


def ls_names(kind: str = "all", namespace: dict[str, Any] | None = None) -> list[str]:
    """Names bound to scannables (or only detectors: kind="detectors") in the namespace."""
    names = namespace if namespace is not None else _caller_globals()
    found = []
    for key, value in names.items():
        if key.startswith("_") or not dev.is_scannable(value):
            continue
        if kind == "detectors" and not dev.is_detector(value):
            continue
        found.append(key)
    return sorted(found)


def ls(kind: str = "all", namespace: dict[str, Any] | None = None) -> None:
    """Print each scannable of the namespace with its position."""
    names = namespace if namespace is not None else _caller_globals()
    out = context().output
    for key in ls_names(kind, names):
        out(dev.formatted(names[key]))


def level(device: Any, new_level: int | None = None) -> int | str:
    """level x: x's level; level x 3: set it (devices with lower levels move first)."""
    if not dev.is_scannable(device):
        raise ScanSyntaxError("level: usage: level scannable [new level]")
    if new_level is None:
        return dev.level_of(device)
    device.setLevel(int(new_level))
    message = f"{dev.name_of(device)} set to level: {int(new_level)}"
    context().output(message)
    return message


def add_default(*devices: Any) -> None:
    """Read these in every scan from now on."""
    ctx = context()
    for d in devices:
        if not any(d is x for x in ctx.defaults):
            ctx.defaults.append(d)
        ctx.output(
            f"{dev.name_of(d)} added to the list of default Scannables. "
            f"Remove from the list by using command: remove_default {dev.name_of(d)}"
        )


def remove_default(*devices: Any) -> None:
    ctx = context()
    for d in devices:
        ctx.defaults[:] = [x for x in ctx.defaults if x is not d]
        ctx.output(
            f"{dev.name_of(d)} removed from list of default Scannables. "
            f"Add back to the list by using command: add_default {dev.name_of(d)}"
        )


def list_defaults() -> list[str]:
    names = [dev.name_of(d) for d in context().defaults]
    for n in names:
        context().output(n)
    return names


def clear_defaults() -> None:
    context().defaults.clear()


def set_spec_counters(*detectors: Any) -> None:
    """The detectors SPEC-style scans (ascan ... time) count with."""
    context().spec_counters[:] = list(detectors)


def meta_add(name: str, value: Any) -> None:
    """Record a value in the metadata of every following scan's file."""
    context().metadata.setdefault("user", {})[str(name)] = value


def meta_rm(name: str) -> None:
    context().metadata.get("user", {}).pop(str(name), None)


def go(target: Any) -> None:
    """go peak: move the last scan's scannable to where a processor found its feature (or to a
    number). Needs the session's analysis: the default session is wired if none is."""
    session = context().ensure_session()
    if session is None:
        raise GdaBridgeError("go needs a session with post-scan analysis (gda_bridge.Session())")
    session.go(target)


def _running() -> Any:
    scan = context().running
    if scan is None:
        raise GdaBridgeError("no scan is running")
    return scan


def pause() -> None:
    """Pause the running scan before its next point."""
    _running().request_pause()


def resume() -> None:
    _running().request_resume()


def abort() -> None:
    """Stop every device and end the running scan (its caller gets ScanAbortedError)."""
    _running().abort_on_request()


def finish_early() -> None:
    """End the running scan after the point in progress."""
    _running().request_finish_early()


def lastScanDataPoint() -> ScanDataPoint | None:  # noqa: N802 - GDA's name
    """The last point of the last (or running) scan as GDA's ScanDataPoint; None before any point."""
    ctx = context()
    result = ctx.last_result
    return ScanDataPoint.last_of(result, ctx.scan_files.get(result.uid) if result is not None else None)
