"""Uniform calls on Python and Java devices (Java ones need their values converted)."""

from __future__ import annotations

from typing import Any

from gda_bridge import bridge  # its names on first use: jpype is imported then, not here


def name_of(device: Any) -> str:
    return str(device.getName())


def position(device: Any) -> Any:
    if bridge.is_java(device):
        with bridge.java_errors():
            return bridge.from_java(device.getPosition())
    return device.getPosition()


def start_move(device: Any, target: Any) -> None:
    if bridge.is_java(device):
        with bridge.java_errors():
            device.asynchronousMoveTo(bridge.to_java_position(target))
    else:
        device.asynchronousMoveTo(target)


def wait(device: Any) -> None:
    if bridge.is_java(device):
        with bridge.java_errors():
            device.waitWhileBusy()
    else:
        device.waitWhileBusy()


def is_busy(device: Any) -> bool:
    if bridge.is_java(device):
        with bridge.java_errors():
            return bool(device.isBusy())
    return bool(device.isBusy())


def check_valid(device: Any, target: Any) -> str | None:
    if bridge.is_java(device):
        with bridge.java_errors():
            reason = device.checkPositionValid(bridge.to_java_position(target))
        return None if reason is None else str(reason)
    reason = device.checkPositionValid(target)
    return None if reason is None else str(reason)


def call_hook(device: Any, hook: str) -> None:
    method = getattr(device, hook, None)
    if method is None:
        return
    if bridge.is_java(device):
        with bridge.java_errors():
            method()
    else:
        method()


def formatted(device: Any) -> str:
    return str(device.toFormattedString())


def level_of(device: Any) -> int:
    return int(device.getLevel())


def is_detector(device: Any) -> bool:
    return callable(getattr(device, "collectData", None)) and callable(getattr(device, "readout", None))


def is_scannable(obj: Any) -> bool:
    return bridge.is_device(obj)
