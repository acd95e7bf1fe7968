"""Python manners for Java devices: ``x()`` reads, ``x(5)`` moves, ``len``, indexing, ``repr``.

JPype applies these to every Java class implementing gda.device.Scannable, so a Java dummy motor
behaves in a script like a Python one.
"""

from __future__ import annotations

from typing import Any

import jpype

from gda_bridge.bridge.convert import from_java, to_java_target, to_names
from gda_bridge.bridge.errors import java_errors

_installed = False


def install() -> None:
    """Register the customizer; JPype applies it when the class is first loaded."""
    global _installed
    if _installed:
        return
    _installed = True

    @jpype.JImplementationFor("gda.device.Scannable")
    class _ScannableManners:
        def __call__(self, *args: Any) -> Any:
            with java_errors():
                if not args:
                    return from_java(self.getPosition())
                self.moveTo(to_java_target(args[0] if len(args) == 1 else list(args), str(self.getName())))
                return f"Move complete: {self.toFormattedString()}"

        def __len__(self) -> int:
            return len(to_names(self.getInputNames()))

        def __getitem__(self, index: int) -> Any:
            with java_errors():
                position = from_java(self.getPosition())
            if not isinstance(position, list):
                position = [position]
            return position[index]

        def __repr__(self) -> str:
            return str(self.toFormattedString())

        def __str__(self) -> str:
            return str(self.toFormattedString())

        @property
        def name(self) -> str:
            return str(self.getName())
