"""The script runner: GDA's ``run "name"``, start-up scripts and one shared namespace.

Every script run by a runner (the start-up scripts, the main script, and what they ``run``)
executes in the same namespace, which is also the ``__main__`` module while it runs, so
``import __main__`` reaches it as in GDA. Scripts are found on the script path, translated (GDA
command syntax; Python 2 -> 3 when the mode rule says so) and compiled under their own file name,
so tracebacks show the user's file, line and text.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import sys
import sysconfig
import traceback
import types
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from gda_bridge.core.errors import GdaBridgeError
from gda_bridge.jython.importer import install_shims, translate_imports_from
from gda_bridge.jython.lazy_names import standard_names_on_demand
from gda_bridge.jython.namespace import base_namespace, commands_for
from gda_bridge.jython.translate import AliasRegistry, ModeDecision, compile_script, decide_mode

log = logging.getLogger("gda_bridge.jython")

PathLike = str | os.PathLike[str]
_PACKAGE_DIR = Path(__file__).resolve().parents[1]


# Commands our namespace has beyond GDA's default aliases; GDA beamlines aliased them in
# localStation.py (installStandardScansWithProcessing does), so scripts use them as commands.
EXTRA_VARARG_ALIASES = ("rscan", "ascan", "a2scan", "a3scan", "mesh", "dscan", "d2scan", "d3scan", "lup",
                        "flyscan", "flyscancn", "fscan", "cvscan")
EXTRA_ALIASES = ("go",)


def default_aliases() -> AliasRegistry:
    """GDA's default aliases plus the scan commands beamlines alias at start-up."""
    registry = AliasRegistry()
    for name in EXTRA_VARARG_ALIASES:
        registry.vararg_alias(name)
    for name in EXTRA_ALIASES:
        registry.alias(name)
    return registry


class ScriptNotFoundError(GdaBridgeError, FileNotFoundError):
    """``run "name"`` found no such script on the script path."""


class ScriptRunner:
    """Runs scripts GDA-style in one shared namespace.

    ``script_paths``: folders ``run "name"`` searches (GDA's script folders; also put on sys.path
    so scripts import modules from them). ``legacy_paths``: files under these run as Python 2.
    ``mode``: the ``--mode`` override for scripts no pragma or legacy path decides (without it,
    the code decides: see translate._detect).
    ``namespace``: run in this dict (e.g. a Session's) instead of a fresh module's.
    ``translate_imports``: modules imported from the script folders (these paths and the main
    script's folder) are decided and translated as scripts are (GDA's library is Python 2).
    """

    def __init__(
        self,
        names: dict[str, Any] | None = None,
        *,
        namespace: dict[str, Any] | None = None,
        script_paths: Iterable[PathLike] = (),
        legacy_paths: Iterable[PathLike] = (),
        mode: str | None = None,
        translate_imports: bool = True,
        aliases: AliasRegistry | None = None,
    ) -> None:
        install_shims()
        self.script_paths = [Path(p).expanduser().resolve() for p in script_paths]
        self.legacy_paths = [Path(p).expanduser().resolve() for p in legacy_paths]
        self.mode = mode
        self.aliases = aliases if aliases is not None else default_aliases()
        if namespace is None:
            self.module: types.ModuleType = types.ModuleType("__main__", "The shared namespace of GDA scripts.")
            self.namespace: dict[str, Any] = self.module.__dict__
        else:  # a session's namespace (its analysis binds results there): reached through a proxy
            self.module = _NamespaceModule(namespace)
            self.namespace = namespace
        self._extra_names = {**{k: v for k, v in self.namespace.items() if not k.startswith("__")}, **(names or {})}
        self._startup: list[Path] = []
        self._running: list[Path] = []
        self._fill_namespace()
        for folder in reversed([*self.script_paths, *self.legacy_paths]):
            if str(folder) not in sys.path:
                sys.path.insert(0, str(folder))
        self.translate_imports = translate_imports
        if translate_imports:
            translate_imports_from([*self.script_paths, *self.legacy_paths], self.legacy_paths)
        global _current
        _current = self

    def _fill_namespace(self) -> None:
        ns = self.namespace
        # GDA's standard names (bound on their first use: lazy_names), then the configuration's
        # devices (a device named like a standard name, e.g. `finder`, wins), then our commands
        # (they win over both)
        ns.update(base_namespace())
        ns.update(self._extra_names)
        self.commands = commands_for(ns)
        ns.update(self.commands)
        ns.update(
            run=self.run,
            alias=self.alias,
            vararg_alias=self.vararg_alias,
            remove_alias=self.remove_alias,
            reset_namespace=self.reset_namespace,
        )
        standard_names_on_demand(ns)

    def namespace_command(self, name: str) -> Any:
        """The GDA command ``name`` as scripts first get it (even if a script rebinds the name)."""
        return self.commands[name]

    # aliases -----------------------------------------------------------------------------------
    def alias(self, name: object) -> None:
        """Make ``name x y`` mean ``name(x, y)`` in scripts and console lines from now on."""
        self.aliases.alias(name)

    def vararg_alias(self, name: object) -> None:
        """As alias (GDA passed the arguments as one list; our commands accept both forms)."""
        self.aliases.vararg_alias(name)

    def remove_alias(self, name: object) -> None:
        self.aliases.remove_alias(name)

    # finding and running scripts ---------------------------------------------------------------
    def locate(self, name: PathLike) -> Path:
        """The script ``name`` names: a path, or a name on the script path (``.py`` optional),
        then beside the script that asks, then in the current folder."""
        given = Path(os.fspath(name)).expanduser()
        names = [given] if given.suffix == ".py" else [given.with_name(given.name + ".py"), given]
        if given.is_absolute():
            for candidate in names:
                if candidate.is_file():
                    return candidate
        else:
            folders = [*self.script_paths, *self.legacy_paths]
            if self._running:
                folders.append(self._running[-1].parent)
            folders.append(Path.cwd())
            for folder in folders:
                for candidate in names:
                    path = folder / candidate
                    if path.is_file():
                        return path
        searched = ", ".join(str(f) for f in [*self.script_paths, *self.legacy_paths]) or "no script path set"
        raise ScriptNotFoundError(f"run: no script {os.fspath(name)!r} on the script path ({searched})")

    def run(self, name: PathLike) -> None:
        """GDA's ``run "name"``: find the script and run it in the shared namespace."""
        self.run_file(self.locate(name))

    def decide(self, path: Path, text: str) -> ModeDecision:
        return decide_mode(path, text, self.legacy_paths, self.mode, self.aliases)

    def add_script_folder(self, folder: PathLike) -> None:
        """The main script's folder: first on sys.path (as Jython and Python put it) and its
        modules imported as scripts run."""
        resolved = str(Path(folder).resolve())
        if resolved in sys.path:
            sys.path.remove(resolved)
        sys.path.insert(0, resolved)
        if self.translate_imports:
            translate_imports_from([resolved], self.legacy_paths)

    def run_file(self, path: PathLike, argv: list[str] | None = None) -> ModeDecision:
        """Translate, compile and run one script file; returns how its mode was decided. With
        argv it is the main script: sys.argv is [path, *argv] and its folder is added as
        add_script_folder does."""
        path = Path(path)
        if argv is not None:
            self.add_script_folder(path.parent)
        text = path.read_text(encoding="utf-8", errors="surrogateescape")
        decision = self.decide(path, text)
        log.info("running %s as %s", path, decision.reason)
        code = compile_script(text, str(path), decision, self.aliases)
        with self._as_main(path.resolve(), argv):
            exec(code, self.namespace)
        return decision

    def run_source(self, text: str, filename: str = "<console>") -> None:
        """Run console input (translated as scripts are) in the shared namespace."""
        decision = decide_mode(None, text, (), self.mode, self.aliases, cache=None)
        code = compile_script(text, filename, decision, self.aliases, cache=None)
        exec(code, self.namespace)

    def run_startup(self, paths: Iterable[PathLike]) -> None:
        """Run localStation.py-style start-up scripts, in order (reset_namespace runs them again)."""
        for p in paths:
            path = self.locate(p)
            self._startup.append(path)
            self.run_file(path)

    def reset_namespace(self) -> None:
        """GDA's reset_namespace: forget the names scripts made and run the start-up scripts again."""
        keep = {k: self.namespace[k] for k in ("__name__", "__doc__", "__builtins__") if k in self.namespace}
        self.namespace.clear()
        self.namespace.update(keep)
        self._fill_namespace()
        startup, self._startup = self._startup, []
        self.run_startup(startup)

    @contextlib.contextmanager
    def _as_main(self, path: Path, argv: list[str] | None) -> Iterator[None]:
        saved_main = sys.modules.get("__main__")
        saved_file = self.namespace.get("__file__")
        saved_argv = sys.argv
        sys.modules["__main__"] = self.module
        self.namespace["__file__"] = str(path)
        if argv is not None:
            sys.argv = [str(path), *argv]
        self._running.append(path)
        try:
            yield
        finally:
            self._running.pop()
            sys.argv = saved_argv
            if saved_file is None:
                self.namespace.pop("__file__", None)
            else:
                self.namespace["__file__"] = saved_file
            if saved_main is not None:
                sys.modules["__main__"] = saved_main


class _NamespaceModule(types.ModuleType):
    """``__main__`` for a namespace that is not a module's own dict: attributes are its entries."""

    def __init__(self, namespace: dict[str, Any]) -> None:
        super().__init__("__main__", "The shared namespace of GDA scripts.")
        object.__setattr__(self, "_namespace", namespace)

    def __getattr__(self, name: str) -> Any:
        try:
            return self._namespace[name]
        except KeyError:
            raise AttributeError(f"module '__main__' has no attribute {name!r}") from None

    def __setattr__(self, name: str, value: Any) -> None:
        self._namespace[name] = value

    def __delattr__(self, name: str) -> None:
        try:
            del self._namespace[name]
        except KeyError:
            raise AttributeError(name) from None

    @property  # type: ignore[override]
    def __dict__(self) -> dict[str, Any]:
        return self._namespace


_current: ScriptRunner | None = None


def current_runner() -> ScriptRunner:
    """The runner scripts are running in (made on first use when there is none)."""
    global _current
    if _current is None:
        _current = ScriptRunner()
    return _current


_LIBRARY_DIRS = tuple(
    Path(p).resolve() for p in {sysconfig.get_path("stdlib"), sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}
)


def _library_frame(filename: str) -> bool:
    """Frames of gda-bridge, the standard library and installed packages: not the user's."""
    if filename.startswith("<frozen "):
        return True
    try:
        path = Path(filename).resolve()
    except (OSError, ValueError):
        return False
    return path.is_relative_to(_PACKAGE_DIR) or any(path.is_relative_to(d) for d in _LIBRARY_DIRS)


def format_user_error(exc: BaseException) -> str:
    """An error as the user should see it: a SyntaxError (TranslationError included) as file,
    line, text and message; anything else as a traceback of the user's own frames only."""
    if isinstance(exc, SyntaxError):
        return "".join(traceback.format_exception_only(exc)).rstrip("\n")
    last_line = "".join(traceback.format_exception_only(exc))
    missing = _missing_shim_name(exc)
    if missing is not None:
        last_line = (
            f"ImportError: gda-bridge does not provide {missing} (neither a shim nor a Java class of "
            "the core has that name); see docs/jython.md\n"
        )
    frames = traceback.extract_tb(exc.__traceback__)
    kept = [f for f in frames if not _library_frame(f.filename)]
    if not kept and frames:
        kept = [frames[-1]]
    lines = ["Traceback (most recent call last):\n", *traceback.format_list(kept), last_line]
    return "".join(lines).rstrip("\n")


def _missing_shim_name(exc: BaseException) -> str | None:
    """``gda.x.Name`` when exc is a failed ``from gda.x import Name`` of a name we do not serve."""
    if not isinstance(exc, ImportError) or not exc.name or exc.name.partition(".")[0] not in ("gda", "gdascripts"):
        return None
    match = re.match(r"cannot import name '(\w+)'", str(exc))
    return f"{exc.name}.{match.group(1)}" if match else None
