"""Suspenders and the running scan: the scan is held while any suspender holds.

Install a suspender once per session; every scan then honours it::

    from gda_bridge.scans.suspension import install_suspender
    install_suspender(PVSuspender("ring current", "BL99:ring:current", below=10, resume_after=5))

While it holds, the scan waits before its next point; a point during which it tripped is taken
again once it has cleared (for ``resume_after`` seconds); a suspension longer than its
``max_suspend`` ends the scan as failed, with the reason. The scan's documents, its table, its
file and its result record each suspension (start, end, reason).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from typing import Any

from gda_bridge.core.suspenders import Suspender
from gda_bridge.scans.context import ScanContext, context

log = logging.getLogger("gda_bridge.scan")


def install_suspender(suspender: Suspender, ctx: ScanContext | None = None) -> Suspender:
    """Make every later scan of the context honour ``suspender``; returns it."""
    ctx = ctx or context()
    if not any(s is suspender for s in ctx.suspenders):
        ctx.suspenders.append(suspender)
    return suspender


def remove_suspender(suspender: Suspender, ctx: ScanContext | None = None) -> None:
    """Scans no longer honour ``suspender`` (it keeps watching until its ``close()``)."""
    ctx = ctx or context()
    ctx.suspenders[:] = [s for s in ctx.suspenders if s is not suspender]


class ScanSuspension:
    """Binds suspenders to one running scan: ``scan.suspend`` while any holds (with every
    holding suspender's reason and the smallest limit), ``scan.resume_suspended`` when none does."""

    def __init__(self, scan: Any, suspenders: Sequence[Suspender]) -> None:
        self.scan = scan
        self.suspenders = list(suspenders)
        self._lock = threading.Lock()
        self._unsubscribe: list[Callable[[], None]] = []

    def __enter__(self) -> ScanSuspension:
        if not self.suspenders:
            return self
        names = [d.name for d in self.scan.devices]
        grace = max((getattr(s, "failure_grace", 0.0) for s in self.suspenders), default=0.0)
        self.scan.set_suspend_grace(grace)
        for s in self.suspenders:
            s.watch(names)
            self._unsubscribe.append(s.subscribe(self._changed))
        self._changed(None)
        return self

    def _changed(self, _suspender: Suspender | None) -> None:
        with self._lock:
            holding = [s for s in self.suspenders if s.holding]
            if holding:
                reasons = "; ".join(str(s.reason) for s in holding)
                limits = [s.max_suspend for s in holding if s.max_suspend is not None]
                self.scan.suspend(reasons, min(limits) if limits else None)
            else:
                self.scan.resume_suspended()

    def __exit__(self, *exc: object) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe.clear()
        for s in self.suspenders:
            try:
                s.watch(())
            except Exception:
                log.exception("suspender %s: cannot stop watching the scan's devices", s.name)
