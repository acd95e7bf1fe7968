"""Jython's import forms for Java names that the shim finder and JPype do not cover.

- ``import gda.device.scannable.DummyScannable`` binds ``gda`` and makes the class reachable by
  its dotted path, as Jython did (``java.lang.Math`` already works through JPype).
- Java code of GDA's Eclipse application that scripts import (``uk.ac.diamond.scisoftpy``,
  ``org.eclipse.january``, ``uk.ac.gda...``) fails at the import line with a message saying what
  to use instead, unless a jar on the classpath really provides that package.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import sys
import types
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from gda_bridge.bridge import is_java_package, java_member
from gda_bridge.bridge.packages import serve_java_domain
from gda_bridge.bridge.proxies import is_java_type

# (package, what to use instead); the longest matching package wins.
NOT_PROVIDED: dict[str, str] = {
    "uk.ac.diamond.scisoftpy": "use `import scisoftpy as dnp` (gda-bridge's numpy-based scisoftpy)",
    "org.eclipse.january": "use numpy arrays (numpy.asarray(...), dnp.array(...)) where scripts made January datasets",
    "org.eclipse.dawnsci": "read scan files with h5py or nexusformat; DAWN's services are not part of gda-bridge",
    "org.eclipse.scanning": "use the scan commands (scan, rscan, ...); GDA's mapping scan services are not part "
    "of gda-bridge",
    "org.eclipse": "it is part of GDA's Eclipse application, which gda-bridge does not contain",
    "uk": "it is GDA Java code that gda-bridge's core does not contain; put its jar in [beamline] classpath "
    "if it runs without GDA's server, or see docs/jython.md",
}
# Packages of theirs that scripts import for datasets only: served by a numpy stand-in.
_DATASETS = Path(__file__).resolve().parent / "shims" / "org_eclipse_datasets.py"
STAND_INS: dict[str, Path] = {
    "org.eclipse.dawnsci.analysis.dataset.impl": _DATASETS,
    "org.eclipse.january.dataset": _DATASETS,
}
# Parents of the packages above: empty modules (unless Java has them), so that the import reaches
# the package that is served or whose message says what to use.
_PARENTS = frozenset({"uk", "uk.ac", "uk.ac.diamond", "org.eclipse"}) | frozenset(
    ".".join(name.split(".")[:i]) for name in STAND_INS for i in range(2, name.count(".") + 1)
)


def not_provided_message(fullname: str) -> str | None:
    """The one-line error for importing ``fullname``, or None when it is not a known absentee."""
    matches = [p for p in NOT_PROVIDED if fullname == p or fullname.startswith(p + ".")]
    if not matches:
        return None
    return f"{fullname} is not provided by gda-bridge: {NOT_PROVIDED[max(matches, key=len)]}"


def _is_java_name(fullname: str) -> bool:
    """True when the JVM has ``fullname`` as a package, or as a class of its parent package."""
    if is_java_package(fullname):
        return True
    parent, _, last = fullname.rpartition(".")
    return bool(parent) and is_java_package(parent) and java_member(parent, last) is not None


class _EmptyPackage(importlib.abc.Loader):
    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType | None:
        return None

    def exec_module(self, module: types.ModuleType) -> None:
        module.__path__ = []


class AbsentJavaFinder(importlib.abc.MetaPathFinder):
    """First in sys.meta_path: a clear ImportError for GDA Java packages gda-bridge lacks."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None = None, target: types.ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if not_provided_message(fullname) is None or _is_java_name(fullname):
            return None  # JPype serves real Java packages and classes
        if fullname in STAND_INS:
            return importlib.util.spec_from_file_location(fullname, STAND_INS[fullname])
        if fullname in _PARENTS:
            return importlib.machinery.ModuleSpec(fullname, _EmptyPackage(), is_package=True)
        raise ImportError(not_provided_message(fullname), name=fullname)


class _ClassAsModule(importlib.abc.Loader):
    """Binds the class itself where the module would go (a module may replace itself in
    sys.modules while it executes; the import machinery then uses the replacement)."""

    def __init__(self, cls: Any) -> None:
        self.cls = cls

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType | None:
        return None

    def exec_module(self, module: types.ModuleType) -> None:
        sys.modules[module.__name__] = self.cls


class JavaClassImportFinder(importlib.abc.MetaPathFinder):
    """Last in sys.meta_path: ``import gda.x.ClassName`` when ``gda.x`` (a shim or a Java package
    module) has a class of that name (the shim's Python class when it defines one)."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None = None, target: types.ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        parent_name, _, last = fullname.rpartition(".")
        if not fullname.startswith("gda.") or not last[:1].isupper():
            return None
        parent = sys.modules.get(parent_name)
        if parent is None:
            return None
        try:
            member = getattr(parent, last)
        except (AttributeError, ImportError):
            return None
        if not (isinstance(member, type) or is_java_type(member)):
            return None
        return importlib.machinery.ModuleSpec(fullname, _ClassAsModule(member))


_absent = AbsentJavaFinder()
_classes = JavaClassImportFinder()


def install_java_imports() -> None:
    """Put the two finders in sys.meta_path (idempotent) and let ``uk.*`` reach Java packages."""
    serve_java_domain("uk")
    if _absent in sys.meta_path:
        sys.meta_path.remove(_absent)
    sys.meta_path.insert(0, _absent)
    if _classes not in sys.meta_path:
        sys.meta_path.append(_classes)
