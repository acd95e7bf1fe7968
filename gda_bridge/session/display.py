"""Where a live view of scans attaches to a notebook or console session.

A *display factory* is called once per session the IPython extension wires, with the session and
whether the front end is a notebook (Jupyter) or a terminal, and returns a document subscriber
(``Callable[[Document], None]``: ScanStart, ScanPoint, ScanStop, ... from gda_bridge.core.documents)
or None if it has nothing to show there. The extension subscribes what it returns to the session's
document stream and unsubscribes it when the session ends. Register one with ``register_display``
(a live plot, for instance); the extension's own text progress line is not one of these.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from gda_bridge.core.documents import Document

Subscriber = Callable[[Document], None]


class DisplayFactory(Protocol):
    def __call__(self, session: Any, *, notebook: bool) -> Subscriber | None: ...


DISPLAY_FACTORIES: list[DisplayFactory] = []


def register_display(factory: DisplayFactory) -> DisplayFactory:
    """Add a display factory for sessions wired from now on (usable as a decorator)."""
    if factory not in DISPLAY_FACTORIES:
        DISPLAY_FACTORIES.append(factory)
    return factory


def unregister_display(factory: DisplayFactory) -> None:
    if factory in DISPLAY_FACTORIES:
        DISPLAY_FACTORIES.remove(factory)
