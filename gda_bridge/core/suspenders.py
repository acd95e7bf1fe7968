"""Suspenders: conditions that hold a scan before its next point while they are bad.

A :class:`Suspender` is told by its watcher (a Channel Access monitor, a connection callback, any
code) that the condition went bad (:meth:`Suspender.trip`, with the reason a user reads) or is
good again (:meth:`Suspender.clear`). It holds scans from the trip until the condition has stayed
good for ``resume_after`` seconds; a scan held longer than ``max_suspend`` seconds fails. The
scans layer subscribes to it; this module knows nothing of scans or EPICS.
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

log = logging.getLogger("gda_bridge.suspenders")

Listener = Callable[["Suspender"], None]


class Suspender:
    """One condition; ``holding`` (with ``reason``) while it is bad or not yet settled."""

    def __init__(self, name: str, *, resume_after: float = 0.0, max_suspend: float | None = None) -> None:
        if resume_after < 0 or not math.isfinite(resume_after):
            raise ValueError(f"suspender {name}: resume_after must be >= 0 s, not {resume_after!r}")
        if max_suspend is not None and not max_suspend > 0:
            raise ValueError(f"suspender {name}: max_suspend must be > 0 s, not {max_suspend!r}")
        self.name = name
        self.resume_after = float(resume_after)
        self.max_suspend = None if max_suspend is None else float(max_suspend)
        self._lock = threading.Lock()
        self._reason: str | None = None
        self._bad = False
        self._timer: threading.Timer | None = None
        self._listeners: list[Listener] = []

    @property
    def holding(self) -> bool:
        return self._reason is not None

    @property
    def reason(self) -> str | None:
        """Why scans are held (the latest bad state), None when they are not."""
        return self._reason

    def trip(self, reason: str) -> None:
        """The condition is bad (any thread): hold scans from now, for ``reason``."""
        with self._lock:
            self._bad = True
            self._cancel_timer()
            changed = self._reason != reason
            self._reason = reason
        if changed:
            log.info("suspender %s: %s", self.name, reason)
            self._notify()

    def clear(self) -> None:
        """The condition is good again (any thread): release scans after ``resume_after`` s."""
        with self._lock:
            if not self._bad:
                return
            self._bad = False
            if self._reason is None:
                return
            if self.resume_after > 0:
                self._cancel_timer()
                timer = threading.Timer(self.resume_after, self._settled)
                timer.daemon = True
                self._timer = timer
                timer.start()
                return
            self._reason = None
        self._notify()

    def _settled(self) -> None:
        with self._lock:
            if self._bad or self._timer is None or self._timer is not threading.current_thread():
                return
            self._timer = None
            self._reason = None
        log.info("suspender %s: clear for %g s", self.name, self.resume_after)
        self._notify()

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener(self)`` (on the watcher's thread) whenever ``holding`` or ``reason``
        changes; returns the function that removes it."""
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    def _notify(self) -> None:
        for listener in list(self._listeners):
            try:
                listener(self)
            except Exception:
                log.exception("suspender %s: listener %r failed", self.name, listener)

    def watch(self, devices: Collection[str]) -> None:
        """Called as each scan starts with the names of its devices (for suspenders that watch
        the devices of the scan); the default watches a fixed condition and ignores them."""

    def close(self) -> None:
        """Stop watching (subclasses drop their channels); scans are no longer held by it."""
        with self._lock:
            self._cancel_timer()
            self._bad = False
            held = self._reason is not None
            self._reason = None
        if held:
            self._notify()

    def __repr__(self) -> str:
        state = f"holding: {self._reason}" if self._reason else "clear"
        return f"<{type(self).__name__} {self.name} ({state})>"


def _number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True)
class Threshold:
    """When a value is bad: ``below`` / ``above`` a number, ``equals`` / ``not_equals`` a value
    (exactly one of them). A value that is no number is bad for ``below`` and ``above``."""

    below: float | None = None
    above: float | None = None
    equals: Any = None
    not_equals: Any = None

    def __post_init__(self) -> None:
        given = [k for k in ("below", "above", "equals", "not_equals") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("a suspender needs exactly one of below, above, equals, not_equals"
                             + (f" (got {', '.join(given)})" if given else ""))

    def problem(self, label: str, value: Any, units: str = "") -> str | None:
        """Why ``value`` is bad, e.g. "ring current 0.2 < 10 mA"; None if it is good."""
        unit = f" {units}" if units else ""
        if self.below is not None or self.above is not None:
            number = _number(value)
            if number is None or math.isnan(number):
                return f"{label} is {value!r}, not a number"
            if self.below is not None and number < self.below:
                return f"{label} {number:g} < {self.below:g}{unit}"
            if self.above is not None and number > self.above:
                return f"{label} {number:g} > {self.above:g}{unit}"
            return None
        if self.equals is not None and _same(value, self.equals):
            return f"{label} is {value}"
        if self.not_equals is not None and not _same(value, self.not_equals):
            return f"{label} is {value}, not {self.not_equals}"
        return None


def _same(value: Any, wanted: Any) -> bool:
    if isinstance(wanted, str):
        return str(value).strip() == wanted
    number = _number(value)
    return number is not None and number == _number(wanted)
