"""The only door to the JVM: its lifecycle, conversions, device proxies and the Java engine.

The names below are imported from their modules on first use: importing jpype costs about a
tenth of a second, which a script that never touches Java (or a plain ``import
gda_bridge.commands``) should not pay.
"""

from __future__ import annotations

import importlib
from typing import Any

_WHERE = {
    "adapter_of": "adapters", "is_java": "adapters", "to_java_device": "adapters",
    "JavaScan": "engine", "ScanDevice": "engine", "is_device": "engine",
    "java_errors": "errors",
    "from_java": "convert", "to_java_position": "convert", "to_names": "convert",
    "clear_interrupt": "interrupts", "interruptible": "interrupts", "JavaInterrupt": "interrupts",
    "python_interrupt_seen": "interrupts",
    "add_classpath": "jvm", "add_jvm_options": "jvm", "ensure_jvm": "jvm", "jclass": "jvm",
    "jvm_ready": "jvm", "when_started": "jvm",
    "is_java_package": "packages", "java_member": "packages", "java_names": "packages",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{where}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_WHERE})
