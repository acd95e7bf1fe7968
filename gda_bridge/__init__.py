"""gda-bridge: GDA-compatible Python 3 scripting over a Java acquisition core.

``gda_bridge.Session(config="bl.toml")`` is the session of a script or notebook
(gda_bridge.session.Session); ``%load_ext gda_bridge`` loads the IPython extension
(gda_bridge.session.ipython). Both are imported on first use, by name: ``import gda_bridge`` stays
cheap, and the packages every layer imports this one through do not depend on the session layer.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    if name == "Session":
        return import_module("gda_bridge.session").Session
    raise AttributeError(f"module 'gda_bridge' has no attribute {name!r}")


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext gda_bridge``: GDA syntax in cells, a session on the kernel's namespace."""
    import_module("gda_bridge.session.ipython").load(ipython)


def unload_ipython_extension(ipython: Any) -> None:
    import_module("gda_bridge.session.ipython").unload(ipython)


__all__ = ["Session", "__version__", "load_ipython_extension", "unload_ipython_extension"]
