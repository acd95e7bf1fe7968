"""User hooks: functions run after every scan (or on every point), registered with a decorator or
through the ``gda_bridge.hooks`` entry-point group.

An after-scan hook is ``hook(record: ScanRecord) -> result``. It runs off the scan thread: a light
hook on a thread of this process, a heavy one in a worker process or on a Dask cluster, so a heavy
hook and its record must be picklable (a module-level function; the record is plain data). What it
returns, if not ``None``, is bound in the namespace under the hook's name, and when it is a mapping
of names to numbers/strings (or a ``ProcessResult``) it also goes into the scan file.

A point hook is ``hook(start: ScanStart, point: ScanPoint) -> None``, run on a thread, in order.
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import Any, Literal, overload

import numpy as np

import gda_bridge
from gda_bridge.analysis._results import ProcessResult
from gda_bridge.core.documents import ScanStart, ScanStop

log = logging.getLogger("gda_bridge.analysis.hooks")

ENTRY_POINT_GROUP = "gda_bridge.hooks"
_SPEC_ATTR = "gda_bridge_hook"


@dataclass(frozen=True)
class ScanRecord:
    """One finished scan, as an after-scan hook gets it.

    ``columns`` maps each column of ``start.columns`` to a numpy array over the points, in
    acquisition order (scalar columns only, unless the collector keeps arrays); ``indices`` is the
    (points x dimensions) grid position of each point; ``file_path`` is the scan's file, if any.
    """

    start: ScanStart
    stop: ScanStop
    columns: dict[str, np.ndarray]
    indices: np.ndarray
    file_path: str | None = None

    @property
    def num_points(self) -> int:
        return int(self.indices.shape[0])

    def __getitem__(self, column: str) -> np.ndarray:
        return self.columns[column]


@dataclass(frozen=True)
class Hook:
    """A registered hook: ``kind`` is ``"after_scan"`` or ``"on_point"``."""

    func: Callable[..., Any]
    name: str
    kind: Literal["after_scan", "on_point"]
    heavy: bool = False


@dataclass(frozen=True)
class HookOutcome:
    """What running a hook gave, in a form that crosses process boundaries."""

    name: str
    value: Any = None
    error: str | None = None  # one line: "ValueError: bad input"
    traceback: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def run_hook(name: str, func: Callable[..., Any], *args: Any) -> HookOutcome:
    """Call a hook and catch what it raises; module-level so worker processes can unpickle it."""
    try:
        return HookOutcome(name, func(*args))
    except Exception as e:
        line = traceback.format_exception_only(type(e), e)[-1].strip()
        return HookOutcome(name, None, line, traceback.format_exc())


class HookRegistry:
    """An ordered set of hooks; ``HOOKS`` is the default one that the decorators fill."""

    def __init__(self) -> None:
        self._hooks: dict[str, Hook] = {}
        self._lock = threading.Lock()

    def add(
        self,
        func: Callable[..., Any],
        *,
        kind: Literal["after_scan", "on_point"] = "after_scan",
        heavy: bool = False,
        name: str | None = None,
    ) -> Hook:
        """Register ``func`` (again under the same name replaces the earlier one)."""
        if kind not in ("after_scan", "on_point"):
            raise ValueError(f"hook kind must be 'after_scan' or 'on_point', not {kind!r}")
        if heavy and kind == "on_point":
            raise ValueError(f"point hook {name or func.__name__}: point hooks cannot be heavy")
        hook = Hook(func, name or func.__name__, kind, heavy)
        with self._lock:
            self._hooks = {**self._hooks, hook.name: hook}
        log.debug("registered %s hook %s%s", kind, hook.name, " (heavy)" if heavy else "")
        return hook

    def remove(self, name: str) -> None:
        with self._lock:
            self._hooks = {k: v for k, v in self._hooks.items() if k != name}

    def clear(self) -> None:
        with self._lock:
            self._hooks = {}

    def hooks(self, kind: Literal["after_scan", "on_point"] | None = None) -> list[Hook]:
        return [h for h in self._hooks.values() if kind is None or h.kind == kind]

    @overload
    def after_scan(self, func: Callable[..., Any], /) -> Callable[..., Any]: ...

    @overload
    def after_scan(
        self, *, heavy: bool = False, name: str | None = None
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]: ...

    def after_scan(self, func=None, /, *, heavy=False, name=None):
        """Decorator: ``@after_scan`` or ``@after_scan(heavy=True)``; returns the function unchanged
        (so it stays picklable by reference)."""

        def register(f: Callable[..., Any]) -> Callable[..., Any]:
            self.add(f, kind="after_scan", heavy=heavy, name=name)
            setattr(f, _SPEC_ATTR, ("after_scan", heavy))
            return f

        return register(func) if func is not None else register

    @overload
    def on_point(self, func: Callable[..., Any], /) -> Callable[..., Any]: ...

    @overload
    def on_point(self, *, name: str | None = None) -> Callable[[Callable[..., Any]], Callable[..., Any]]: ...

    def on_point(self, func=None, /, *, name=None):
        """Decorator: ``@on_point`` registers ``hook(start, point)`` for every point."""

        def register(f: Callable[..., Any]) -> Callable[..., Any]:
            self.add(f, kind="on_point", name=name)
            setattr(f, _SPEC_ATTR, ("on_point", False))
            return f

        return register(func) if func is not None else register

    def load_entry_points(
        self, group: str = ENTRY_POINT_GROUP, report: Callable[[str], None] | None = None
    ) -> list[Hook]:
        """Register every function of the entry-point ``group``, under the entry point's name.

        A function decorated in its module keeps its kind and heaviness; a plain one is a light
        after-scan hook. One that fails to load is logged and reported, the others still load.
        """
        loaded = []
        for ep in entry_points(group=group):
            try:
                func = ep.load()
                kind, heavy = getattr(func, _SPEC_ATTR, ("after_scan", False))
                own = self._hooks.get(getattr(func, "__name__", ""))
                if own is not None and own.func is func and own.name != ep.name:
                    self.remove(own.name)  # its decorator registered it under the function's name
                loaded.append(self.add(func, kind=kind, heavy=heavy, name=ep.name))
            except Exception as e:
                log.exception("could not load hook %s = %s", ep.name, ep.value)
                if report is not None:
                    report(f"Hook {ep.name} ({ep.value}) could not be loaded: {type(e).__name__}: {e}")
        return loaded


HOOKS = HookRegistry()
"""The registry the module-level decorators fill and collectors use by default."""

after_scan = HOOKS.after_scan
on_point = HOOKS.on_point


def hook_process_result(hook: Hook, value: Any, file_path: str | None) -> ProcessResult | None:
    """A hook's return value as a ``ProcessResult`` for the file, or ``None`` if it is not one."""
    if isinstance(value, ProcessResult):
        return value
    if not isinstance(value, Mapping):
        return None
    results: dict[str, float | str] = {}
    for k, v in value.items():
        if isinstance(v, str):
            results[str(k)] = v
        elif isinstance(v, int | float | np.integer | np.floating | np.bool_):
            results[str(k)] = float(v)
    if not results:
        return None
    program = f"{getattr(hook.func, '__module__', '?')}.{getattr(hook.func, '__qualname__', hook.name)}"
    inputs: dict[str, str | int | float] = {"file": file_path or ""}
    return ProcessResult(hook.name, program, gda_bridge.__version__, inputs, results)
