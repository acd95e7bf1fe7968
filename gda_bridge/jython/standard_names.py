"""The names GDA's Jython interpreter imported before any script ran, and the Java idioms
scripts rely on.

GDA's GDAJythonInterpreter ran a fixed list of imports at start-up (``import java``,
``from java.lang import Thread, Runnable, InterruptedException``, ``from gda.scan import *``,
``finder = Finder.getInstance()``, ``import scisoftpy as dnp``...), so beamline scripts use those
names without importing them. :func:`standard_names` gives the ones gda-bridge has;
:func:`install_java_idioms` makes the Java idioms of those scripts work (classes implementing
Java interfaces, Java's number parsing, ``import gda.x.ClassName``, clear errors for GDA's
Eclipse packages).
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import types
from typing import Any

from gda_bridge.bridge.java_numbers import install_java_number_parsing
from gda_bridge.bridge.proxies import install_java_subclassing
from gda_bridge.jython.java_imports import install_java_imports
from gda_bridge.scans.datapoint import ScanDataPoint

log = logging.getLogger("gda_bridge.jython")

# (module, names) as GDA's interpreter imported them; "*" is the module's __all__, None binds the
# top-level package (``import java``). Modules or names gda-bridge lacks are left out.
STANDARD_IMPORTS: tuple[tuple[str, tuple[str, ...] | str | None], ...] = (
    ("java", None),
    ("java.lang", ("Thread", "Runnable")),
    ("gda.scan", "*"),
    ("gda.device", "*"),
    ("gda.jython", ("JythonServer", "ScriptBase")),
    ("gda.device.monitor", ("BeamMonitor",)),
    ("gda.factory", ("Finder",)),
    ("gda.device.detector", ("DetectorBase",)),
    ("gda.device.scannable.scannablegroup", ("IScannableGroup",)),
    ("gda.device.scannable", ("ScannableBase", "DummyScannable", "ContinuouslyScannable",
                              "SimulatedContinuouslyScannable", "PseudoDevice", "ScannableUtils")),
    ("gda.jython.commands", ("ScannableCommands", "GeneralCommands", "InputCommands")),
    ("gda.util.persistence", ("LocalParameters", "LocalObjectShelfManager")),
    ("gda", None),
)


def _module(name: str) -> types.ModuleType | None:
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        log.debug("standard import of %s skipped: %s", name, exc)
        return None


def _member(module: types.ModuleType, name: str) -> Any | None:
    """``from module import name``: an attribute, else a submodule (the shims' command modules)."""
    try:
        return getattr(module, name)
    except (AttributeError, ImportError):
        pass
    submodule = _module(f"{module.__name__}.{name}")
    if submodule is None:
        log.debug("standard name %s.%s skipped: not provided", module.__name__, name)
    return submodule


def standard_names() -> dict[str, Any]:
    """GDA's pre-imported names that gda-bridge provides (the shims must be installed)."""
    names: dict[str, Any] = {}
    for module_name, wanted in STANDARD_IMPORTS:
        module = _module(module_name)
        if module is None:
            continue
        if wanted is None:
            names[module_name.partition(".")[0]] = importlib.import_module(module_name.partition(".")[0])
            continue
        for name in getattr(module, "__all__", ()) if wanted == "*" else wanted:
            value = _member(module, name)
            if value is not None:
                names[name] = value
    if "Finder" in names:
        names["finder"] = names["Finder"].getInstance()
    names["ScanDataPoint"] = ScanDataPoint
    if importlib.util.find_spec("scisoftpy") is not None:
        names["dnp"] = LazyModule("scisoftpy")
    return names


class LazyModule(types.ModuleType):
    """A module imported on first use (``dnp`` costs nothing until a script touches it)."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.__dict__["_gda_real"] = None

    def _gda_module(self) -> types.ModuleType:
        real = self.__dict__["_gda_real"]
        if real is None:
            real = importlib.import_module(self.__name__)
            self.__dict__["_gda_real"] = real
        return real

    def __getattr__(self, name: str) -> Any:
        return getattr(self._gda_module(), name)

    def __dir__(self) -> list[str]:
        return dir(self._gda_module())

    def __repr__(self) -> str:
        return repr(self._gda_module())


def install_java_idioms() -> None:
    """Class statements may implement Java interfaces, ``java.lang.Float('x')`` throws Java's
    NumberFormatException, and the Java import forms work (all process-wide and idempotent)."""
    install_java_subclassing()
    install_java_number_parsing()
    install_java_imports()
