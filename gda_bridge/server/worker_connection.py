"""The API process's connection to one worker process: how it is started, its two channels and
the control requests answered on one of them."""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gda_bridge.core.errors import GdaBridgeError
from gda_bridge.server import isolation
from gda_bridge.server.channel import Channel, ChannelClosed

CONTROL_TIMEOUT = 5.0
"""Seconds the worker process has to answer a control request."""


class ControlError(GdaBridgeError, RuntimeError):
    """A control request that does not apply now (no scan running, nothing to abort)."""


class InvalidSubmission(GdaBridgeError, ValueError):
    """A submission that cannot run: a syntax error, an unknown macro."""


@dataclass
class WorkerLaunch:
    """How to start the worker process: as whom, with which session, seeing which paths."""

    user: isolation.WorkerUser
    config: Path | None = None
    startup: Path | None = None
    scripts: Path | None = None
    translate: str | None = None
    need: list[Path] = field(default_factory=list)
    hide: list[Path] = field(default_factory=list)

    def args(self, first_scan_number: int) -> list[str]:
        out = [f"--first-scan-number={first_scan_number}"]
        for flag, value in (("config", self.config), ("startup", self.startup), ("scripts", self.scripts),
                            ("translate", self.translate)):
            if value is not None:
                out.append(f"--{flag}={Path(value).absolute() if flag != 'translate' else value}")
        return out


class _Reply:
    def __init__(self) -> None:
        self.event = threading.Event()
        self.answer: dict[str, Any] | None = None


class Connection:
    """One running worker process and its two channels."""

    def __init__(self, spawned: isolation.Spawned) -> None:
        self.process = spawned.process
        self.control = Channel(spawned.control)
        self.events = Channel(spawned.events)
        self.ready = threading.Event()
        self.error: str | None = None
        self.alive = True
        self.uid: int | None = None
        self._ids = itertools.count(1)
        self._replies: dict[int, _Reply] = {}
        self._lock = threading.Lock()

    def request(self, op: str, timeout: float = CONTROL_TIMEOUT, **fields: Any) -> dict[str, Any]:
        reply = _Reply()
        with self._lock:
            n = next(self._ids)
            self._replies[n] = reply
        try:
            if not self.alive:
                raise ControlError("the worker process is not running")
            try:
                self.control.send({"id": n, "op": op, **fields})
            except ChannelClosed:
                raise ControlError("the worker process is not running") from None
            if not reply.event.wait(timeout):
                raise ControlError(f"the worker process did not answer {op} within {timeout:.0f} s")
        finally:
            with self._lock:
                self._replies.pop(n, None)
        if reply.answer is None:
            raise ControlError("the worker process ended")
        return reply.answer

    def read_replies(self) -> None:
        while True:
            try:
                answer = self.control.receive()
            except ChannelClosed:
                break
            with self._lock:
                reply = self._replies.get(answer.get("id")) if isinstance(answer.get("id"), int) else None
            if reply is not None:
                reply.answer = answer
                reply.event.set()
        with self._lock:
            self.alive = False
            for reply in self._replies.values():
                reply.event.set()

    def exit_status(self) -> int | None:
        """The process's exit status, waiting a little for it (its sockets close first)."""
        try:
            return self.process.wait(5)
        except Exception:
            return None

    def close(self, timeout: float) -> int | None:
        try:
            self.process.wait(timeout)
        except Exception:
            self.process.kill()
            self.process.wait(10)
        self.control.close()
        self.events.close()
        return self.process.returncode
