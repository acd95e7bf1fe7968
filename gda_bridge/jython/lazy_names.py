"""GDA's standard names (``Thread``, ``finder``, ``gda.scan``'s classes...) bound on first use.

They are Java classes, and the JVM takes a second to start, so a script that never touches Java
should not pay for it. A runner's namespace gets as its ``__builtins__`` a copy of Python's
builtins whose missing names are looked up among the standard names, starting the JVM then;
at that point every standard name the namespace does not already bind (a device, a command, a
script's own variable) is copied into it, and the namespace goes back to the plain builtins.
"""

from __future__ import annotations

import builtins
import logging
import threading
from collections.abc import MutableMapping
from typing import Any

from gda_bridge.bridge import ensure_jvm

log = logging.getLogger("gda_bridge.jython")


class StandardNamesOnDemand(dict):  # type: ignore[type-arg]
    """Python's builtins, then (on a miss) GDA's standard names of one namespace."""

    def __init__(self, namespace: MutableMapping[str, Any]) -> None:
        super().__init__(builtins.__dict__)
        # class statements look __build_class__ up here; the Java-aware one is installed later
        self["__build_class__"] = _current_build_class
        self._namespace = namespace
        self._lock = threading.Lock()
        self._bound = False

    def __missing__(self, name: str) -> Any:
        if name in builtins.__dict__:  # added since (IPython adds display, get_ipython...)
            return builtins.__dict__[name]
        self.bind()
        if name in self._namespace:
            return self._namespace[name]
        raise KeyError(name)

    def bind(self) -> None:
        """Start the JVM and copy the standard names the namespace lacks into it."""
        with self._lock:
            if self._bound:
                return
            self._bound = True
            bind_standard_names(self._namespace)


def _current_build_class(*args: Any, **kwargs: Any) -> Any:
    return builtins.__build_class__(*args, **kwargs)


def bind_standard_names(namespace: MutableMapping[str, Any]) -> None:
    """Start the JVM, set up the Java idioms and give ``namespace`` GDA's standard names (names it
    binds already win); its ``__builtins__`` become Python's own again."""
    from gda_bridge.jython.standard_names import standard_names

    ensure_jvm()
    for name, value in standard_names().items():
        namespace.setdefault(name, value)
    if isinstance(namespace.get("__builtins__"), StandardNamesOnDemand):
        namespace["__builtins__"] = builtins
    log.debug("GDA's standard names bound")


def standard_names_on_demand(namespace: MutableMapping[str, Any]) -> None:
    """Give ``namespace`` the standard names now if the JVM runs, else on their first use."""
    from gda_bridge.bridge import jvm_ready

    if jvm_ready():
        bind_standard_names(namespace)
    else:
        namespace["__builtins__"] = StandardNamesOnDemand(namespace)
