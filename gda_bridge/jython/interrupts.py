"""The exception names GDA scripts catch, and the pause points they call.

GDA scripts catch an aborted scan with ``except ScanInterruptedException:`` or
``except java.lang.InterruptedException:``, and a refused move with ``except DeviceException``.
Our commands raise Python exceptions (``ScanAbortedError`` on an abort, ``KeyboardInterrupt`` on
Ctrl-C, ``DeviceError``) while a direct call of a Java method raises the Java class. A script's
name must catch both, and JPype cannot make a Python class a subclass of a Java one (nor, safely,
the reverse), so each name is an :class:`ExceptionNames`: a tuple of the Python and the Java
class, which ``except`` and ``isinstance`` accept as they accept any tuple, which can be raised
by calling it (``raise DeviceException("msg")`` raises the Python class) and subclassed
(``class MotorError(DeviceException)`` subclasses the Python class).

Scan commands in the script namespace turn Ctrl-C into :class:`CommandInterrupted`, which is a
``ScanAbortedError`` (so the names above catch it) and a ``KeyboardInterrupt`` (so a script that
does not catch it still ends as a Ctrl-C does).
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable
from typing import Any

from gda_bridge.bridge import jclass
from gda_bridge.core.errors import DeviceError, ScanAbortedError

log = logging.getLogger("gda_bridge.jython")


class ExceptionNames(tuple):
    """Several exception classes under one script-visible name (see the module docstring)."""

    def __new__(cls, name: str, classes: tuple[type[BaseException], ...]) -> ExceptionNames:
        names = super().__new__(cls, classes)
        names.__name__ = name  # type: ignore[attr-defined]
        return names

    def __call__(self, *args: Any) -> BaseException:
        return self[0](*args)

    def __mro_entries__(self, bases: tuple[Any, ...]) -> tuple[type, ...]:
        return (self[0],)

    def __repr__(self) -> str:
        return f"<exception names {self.__name__}: {', '.join(c.__name__ for c in self)}>"


class JavaInterrupted(Exception):  # noqa: N818
    """What ``raise InterruptedException(...)`` raises from a script."""

    def getMessage(self) -> str:  # noqa: N802 - Java's name
        return str(self)


class CommandInterrupted(ScanAbortedError, KeyboardInterrupt):
    """Ctrl-C during a scan or a move: every device was stopped."""

    def getMessage(self) -> str:  # noqa: N802
        return str(self)


@functools.cache
def exception_names() -> dict[str, ExceptionNames]:
    """DeviceException, InterruptedException and ScanInterruptedException as scripts see them
    (the Java classes need the JVM, which this starts)."""
    java_device = jclass("gda.device.DeviceException")
    java_interrupted = jclass("java.lang.InterruptedException")
    java_scan = jclass("gda.scan.ScanInterruptedException")
    return {
        "DeviceException": ExceptionNames("DeviceException", (DeviceError, java_device)),
        "InterruptedException": ExceptionNames(
            "InterruptedException", (JavaInterrupted, ScanAbortedError, java_interrupted)
        ),
        "ScanInterruptedException": ExceptionNames("ScanInterruptedException", (ScanAbortedError, java_scan)),
    }


def interruptible(func: Callable[..., Any], what: str = "Scan") -> Callable[..., Any]:
    """``func`` raising ScanAbortedError (with the Java message) on an abort and
    CommandInterrupted on Ctrl-C."""

    @functools.wraps(func)
    def command(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except CommandInterrupted:
            raise
        except ScanAbortedError as exc:
            message = str(exc).removeprefix("gda.scan.ScanInterruptedException: ")
            if message != str(exc):
                raise ScanAbortedError(message) from None
            raise
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
        """Wait while the script is paused; raise ScanAbortedError if it was aborted."""
        with self._cond:
            while self._paused and not self._abort:
                self._cond.wait()
            if self._abort:
                self._abort = False
                self._paused = False
                raise ScanAbortedError("Script aborted on request.")


_controller = ScriptController()


def script_controller() -> ScriptController:
    """The process's script controller (one script runs at a time, as in GDA)."""
    return _controller
