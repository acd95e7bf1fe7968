"""The exception names GDA scripts catch, and the pause points they call.

GDA scripts catch an aborted scan with ``except ScanInterruptedException:`` or
``except java.lang.InterruptedException:``, and a refused move with ``except DeviceException``.
In the script namespace and the shims:

- ``DeviceException`` is our ``DeviceError`` (commands and Python devices raise it; the commands
  turn a Java device's ``gda.device.DeviceException`` into it);
- ``ScanInterruptedException`` is our ``ScanAbortedError``;
- ``InterruptedException`` (also ``java.lang.InterruptedException``) is :class:`InterruptedException`;
- the scan and move commands raise :class:`ScanInterrupted` on an abort (a ScanAbortedError and an
  InterruptedException, so every name catches it) and :class:`CommandInterrupted` on Ctrl-C (also
  a ``KeyboardInterrupt``, so an uncaught one ends the script as Ctrl-C does).

They are real Python classes (``except (DeviceException, IOError)`` works); a Java exception
thrown by a direct call of a Java method is not one of them (JPype cannot mix the hierarchies).
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable
from typing import Any

from gda_bridge.core.errors import DeviceError, ScanAbortedError

log = logging.getLogger("gda_bridge.jython")


class InterruptedException(Exception):  # noqa: N818 - Java's name
    """java.lang.InterruptedException as scripts see it."""

    __module__ = "java.lang"

    def getMessage(self) -> str:  # noqa: N802 - Java's name
        return str(self)


class ScanInterrupted(ScanAbortedError, InterruptedException):
    """A scan or move aborted on request, as the commands of the script namespace raise it."""

    __module__ = "gda.scan"


class CommandInterrupted(ScanInterrupted, KeyboardInterrupt):
    """Ctrl-C during a scan or a move: every device was stopped."""

    __module__ = "gda.scan"


def exception_names() -> dict[str, type[BaseException]]:
    """DeviceException, InterruptedException and ScanInterruptedException as scripts see them."""
    return {
        "DeviceException": DeviceError,
        "InterruptedException": InterruptedException,
        "ScanInterruptedException": ScanAbortedError,
    }


def interruptible(func: Callable[..., Any], what: str = "Scan") -> Callable[..., Any]:
    """``func`` raising ScanInterrupted on an abort and CommandInterrupted on Ctrl-C."""

    @functools.wraps(func)
    def command(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ScanInterrupted:
            raise
        except ScanAbortedError as exc:
            message = str(exc).removeprefix("gda.scan.ScanInterruptedException: ")
            raise ScanInterrupted(message or f"{what} aborted on request.") from None
        except KeyboardInterrupt:
            raise CommandInterrupted(f"{what} aborted on request (Ctrl-C); every device was stopped.") from None

    return command


class ScriptController:
    """Pause, resume and abort requests for the running script, honoured where the script calls
    ``checkForPauses()`` (GDA's ScriptBase.checkForPauses), as in GDA."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._paused = False
        self._abort = False

    @property
    def paused(self) -> bool:
        return self._paused

    def pause(self) -> None:
        with self._cond:
            self._paused = True
        log.info("script pause requested")

    def resume(self) -> None:
        with self._cond:
            self._paused = False
            self._cond.notify_all()

    def abort(self) -> None:
        with self._cond:
            self._abort = True
            self._cond.notify_all()

    def check_for_pauses(self) -> None:
        """Wait while the script is paused; raise ScanInterrupted if it was aborted."""
        with self._cond:
            while self._paused and not self._abort:
                self._cond.wait()
            if self._abort:
                self._abort = False
                self._paused = False
                raise ScanInterrupted("Script aborted on request.")


_controller = ScriptController()


def script_controller() -> ScriptController:
    """The process's script controller (one script runs at a time, as in GDA)."""
    return _controller
