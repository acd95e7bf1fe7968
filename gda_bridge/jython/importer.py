"""Import hooks for legacy scripts: the ``gda.*`` / ``gdascripts.*`` shims, Python 2 translation
of the modules of the script folders, and modules GDA bundled (``mock``).

``ShimFinder`` sits first in ``sys.meta_path`` (before JPype's finder, which would otherwise take
``gda`` as the Java package and hand out Java classes that Python cannot subclass):

- ``gda.x.y`` is served from ``shims/gda/x/y.py`` (or ``.../y/__init__.py``) when that file exists;
  names a shim does not define fall back to the Java class of the same name
  (``from gda.device.scannable import DummyScannable`` gives the Java core's class). A Java
  package without a shim (``gda.device.sim``) is served as a module of its Java classes.
  ``gda`` is never a real top-level package on ``sys.path``.
- ``gdascripts.*`` is served from ``shims/gdascripts`` unless a real ``gdascripts`` package is on
  the path (e.g. a beamline's copy of GDA's script library in a script folder): that one wins.
- ``scisoftpy`` (GDA's numpy stand-in, over numpy/scipy/matplotlib) likewise, from
  ``shims/scisoftpy``.
- ``org.slf4j`` (LoggerFactory) maps to Python logging; ``org.python.*`` (Jython's own classes)
  fails with a message saying so.
- ``java.*`` / ``javax.*`` are left to JPype.

``ScriptModuleFinder`` (after the shim finder) imports the modules of the script folders as
scripts run, their language decided per file and Python 2 translated (GDA's whole library is
Python 2); ``ModuleAliasFinder`` (last) serves ``mock`` as ``unittest.mock``.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import logging
import os
import sys
import sysconfig
import types
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from gda_bridge.bridge import ensure_jvm, is_java_package, java_member, java_names, jvm_ready, when_started

log = logging.getLogger("gda_bridge.jython")

SHIM_ROOT = Path(__file__).resolve().parent / "shims"
_SHIM_TOPS = ("gda", "gdascripts", "scisoftpy")
_REAL_WINS = ("gdascripts", "scisoftpy")  # a real copy of these on sys.path is used instead
_EXTRA_SHIMS = {"org.slf4j": SHIM_ROOT / "org_slf4j.py"}
# Top-level names whose import needs the JVM (JPype's domains, ours, GDA's Java packages)
_JAVA_TOPS = frozenset({"java", "javax", "jdk", "com", "gov", "org", "mil", "edu", "net", "uk", "gda", "gdascripts"})


def java_fallback(module_name: str) -> Callable[[str], Any]:
    """A module ``__getattr__`` serving the Java classes of the package ``module_name``."""

    def __getattr__(name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        member = java_member(module_name, name)
        if member is None:
            raise AttributeError(
                f"{module_name}.{name} is not provided by gda-bridge (no shim and no Java class of "
                "that name in the core); see docs/jython.md"
            )
        return member

    return __getattr__


def _shim_file(fullname: str) -> tuple[Path, bool] | None:
    if fullname in _EXTRA_SHIMS:
        return _EXTRA_SHIMS[fullname], False
    base = SHIM_ROOT.joinpath(*fullname.split("."))
    if (base / "__init__.py").is_file():
        return base / "__init__.py", True
    module = base.with_suffix(".py")
    if module.is_file():
        return module, False
    return None


class _JavaPackageLoader(importlib.abc.Loader):
    """A module whose attributes are the classes and subpackages of a Java package."""

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType | None:
        return None

    def exec_module(self, module: types.ModuleType) -> None:
        name = module.__name__
        module.__getattr__ = java_fallback(name)  # type: ignore[method-assign]
        module.__dir__ = lambda: java_names(name)  # type: ignore[method-assign]
        module.__all__ = [n for n in java_names(name) if n[:1].isupper()]


class ShimFinder(importlib.abc.MetaPathFinder):
    """Serves the ``gda``, ``gdascripts`` and ``org.slf4j`` modules legacy scripts import."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None = None, target: types.ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname == "org.python" or fullname.startswith("org.python."):
            raise ImportError(
                f"{fullname} is Jython's own Java API; gda-bridge runs scripts on CPython, where it "
                "does not exist (catch Python exceptions instead of PyException)",
                name=fullname,
            )
        top = fullname.partition(".")[0]
        if top in _JAVA_TOPS and not jvm_ready():
            ensure_jvm()  # the first Java import starts it
        if top not in _SHIM_TOPS and fullname not in _EXTRA_SHIMS:
            return None
        if top in _REAL_WINS and self._real_library(top, fullname):
            return None
        found = _shim_file(fullname)
        if found is not None:
            file, is_package = found
            return importlib.util.spec_from_file_location(
                fullname, file, submodule_search_locations=[] if is_package else None
            )
        if top == "gda" and is_java_package(fullname):
            spec = importlib.machinery.ModuleSpec(fullname, _JavaPackageLoader(), is_package=True)
            spec.submodule_search_locations = []
            return spec
        return None

    @staticmethod
    def _real_library(top: str, fullname: str) -> bool:
        """True when ``top`` (gdascripts, scisoftpy) comes from a real library on sys.path."""
        if fullname != top:
            parent = sys.modules.get(top)
            return parent is not None and not _is_shim(parent)
        return importlib.machinery.PathFinder.find_spec(top) is not None


def _is_shim(module: types.ModuleType) -> bool:
    file = getattr(module, "__file__", None)
    return file is not None and Path(file).resolve().is_relative_to(SHIM_ROOT)


MODE_LOG = logging.getLogger("gda_bridge.jython.mode")  # the notices a user should see
_PACKAGE_DIR = SHIM_ROOT.parents[1]


def _library_dirs() -> tuple[Path, ...]:
    """Where installed code lives: never translated, even under a script folder (a venv inside)."""
    paths = {sysconfig.get_path(k) for k in ("stdlib", "platstdlib", "purelib", "platlib")}
    return (_PACKAGE_DIR, *(Path(p).resolve() for p in paths if p))


class _TranslatingLoader(importlib.machinery.SourceFileLoader):
    """Loads a module of the script folders the way scripts run: its language decided by the same
    rules (pragma, legacy path, then the code itself) and Python 2 translated, through the
    translation cache; never from a .pyc, which could hold an untranslated compilation."""

    def __init__(self, fullname: str, path: str, legacy_paths: Sequence[str]) -> None:
        super().__init__(fullname, path)
        self.legacy_paths = legacy_paths

    def get_code(self, fullname: str) -> types.CodeType:
        from gda_bridge.jython.translate import compile_script, decide_mode

        path = self.get_filename(fullname)
        text = Path(path).read_text(encoding="utf-8", errors="surrogateescape")
        in_package = (Path(path).parent / "__init__.py").is_file()
        decision = decide_mode(path, text, self.legacy_paths, package=in_package)
        if decision.mode == "py2" or "'/'" in decision.reason:
            MODE_LOG.info("imported %s (%s) runs as %s", fullname, path, decision.reason)
        else:
            log.debug("importing %s as %s", fullname, decision.reason)
        return compile_script(text, path, decision, package=in_package)


class ScriptModuleFinder(importlib.abc.MetaPathFinder):
    """Modules found under the script folders (the main script's folder, the script and legacy
    paths) are imported as scripts run: Python 2 ones translated (GDA's library is Python 2).
    Installed code (the standard library, site-packages, gda-bridge itself) never is."""

    def __init__(self) -> None:
        self.roots: list[Path] = []
        self.legacy_paths: list[str] = []
        self._excluded = _library_dirs()

    def add(self, roots: Iterable[str | os.PathLike[str]], legacy_paths: Iterable[str | os.PathLike[str]] = ()) -> None:
        for root in roots:
            resolved = Path(root).resolve()
            if resolved not in self.roots:
                self.roots.append(resolved)
        for folder in legacy_paths:
            text = str(Path(folder).resolve())
            if text not in self.legacy_paths:
                self.legacy_paths.append(text)

    def translates(self, origin: Path) -> bool:
        if not any(origin.is_relative_to(root) for root in self.roots):
            return False
        if any(part in ("site-packages", "dist-packages") for part in origin.parts):
            return False
        return not any(origin.is_relative_to(d) for d in self._excluded)

    def find_spec(
        self, fullname: str, path: Sequence[str] | None = None, target: types.ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if not self.roots:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.origin is None or not spec.origin.endswith(".py"):
            return None
        if not self.translates(Path(spec.origin).resolve()):
            return None
        loader = _TranslatingLoader(fullname, spec.origin, self.legacy_paths)
        return importlib.util.spec_from_file_location(
            fullname, spec.origin, loader=loader, submodule_search_locations=spec.submodule_search_locations
        )


class _AliasLoader(importlib.abc.Loader):
    def __init__(self, target: str) -> None:
        self.target = target

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        return importlib.import_module(self.target)

    def exec_module(self, module: types.ModuleType) -> None:
        return None


class ModuleAliasFinder(importlib.abc.MetaPathFinder):
    """Last in sys.meta_path: modules GDA bundled that CPython has under another name, served
    only when nothing else provides them (``import mock`` -> ``unittest.mock``)."""

    ALIASES = {"mock": "unittest.mock"}

    def find_spec(
        self, fullname: str, path: Sequence[str] | None = None, target: types.ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        alias = self.ALIASES.get(fullname)
        return None if alias is None else importlib.machinery.ModuleSpec(fullname, _AliasLoader(alias))


_shim_finder = ShimFinder()
_script_finder = ScriptModuleFinder()
_alias_finder = ModuleAliasFinder()


def install_shims() -> None:
    """Put the shim finder first in sys.meta_path (before JPype's); the Java idioms of scripts
    are set up when the JVM starts (the first Java import, standard name or scan starts it)."""
    _put_shims_first()
    if _alias_finder not in sys.meta_path:
        sys.meta_path.append(_alias_finder)
    global _java_set_up
    if not _java_set_up:
        _java_set_up = True
        when_started(_java_started)


_java_set_up = False


def _put_shims_first() -> None:
    if _shim_finder in sys.meta_path:
        sys.meta_path.remove(_shim_finder)
    sys.meta_path.insert(0, _shim_finder)


def _java_started() -> None:
    from gda_bridge.jython.standard_names import install_java_idioms

    _put_shims_first()  # the JVM's start put JPype's finder first
    install_java_idioms()
    _override_java_names()


def _override_java_names() -> None:
    """``java.lang.InterruptedException`` in scripts also catches aborted scans (see interrupts)."""
    from gda_bridge.jython.interrupts import exception_names

    # JPype's package object, the one `import java.lang` gives (not imported: this runs while
    # the import that started the JVM is being looked up)
    java_lang = java_member("java", "lang")
    java_lang.InterruptedException = exception_names()["InterruptedException"]  # the Python class


def translate_imports_from(
    roots: Iterable[str | os.PathLike[str]], legacy_paths: Iterable[str | os.PathLike[str]] = ()
) -> ScriptModuleFinder:
    """Import modules under roots as scripts run (Python 2 translated), right after the shim
    finder; roots add up over calls."""
    _script_finder.add(roots, legacy_paths)
    if _script_finder in sys.meta_path:
        sys.meta_path.remove(_script_finder)
    at = sys.meta_path.index(_shim_finder) + 1 if _shim_finder in sys.meta_path else 0
    sys.meta_path.insert(at, _script_finder)
    return _script_finder
