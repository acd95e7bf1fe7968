"""The exceptions and pause points GDA scripts use around interrupted scans.

GDA scripts catch an aborted scan with ``except ScanInterruptedException:`` or
``except java.lang.InterruptedException:``. Our commands raise ``ScanAbortedError`` (abort on
request) and ``KeyboardInterrupt`` (Ctrl-C); the namespace's commands turn both into the classes
below, so every name a script might use catches them:

- :class:`InterruptedException` stands for ``java.lang.InterruptedException``. It is what the
  name resolves to in scripts (``from java.lang import InterruptedException``, ``import java``),
  and the Java class is given it as a Python base, so a Java-thrown InterruptedException is one too.
- :class:`ScanInterruptedException` (``gda.scan``) is an InterruptedException and a
  ``ScanAbortedError``; the Java ``gda.scan.ScanInterruptedException`` is given it as a base.
- :class:`CommandInterrupted` (Ctrl-C during a command) is all of those and a ``KeyboardInterrupt``,
  so a script that does not catch it still ends as a Ctrl-C does.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable
from typing import Any

from gda_bridge.bridge import is_java, make_exception_base
from gda_bridge.core.errors import DeviceError, ScanAbortedError

log = logging.getLogger("gda_bridge.jython")


class InterruptedException(Exception):  # noqa: N818 - Java's name
    """java.lang.InterruptedException as scripts see it."""

    __module__ = "java.lang"

    def getMessage(self) -> str:  # noqa: N802 - Java's name
        return str(self)


class ScanInterruptedException(InterruptedException, ScanAbortedError):
    """gda.scan.ScanInterruptedException: a scan or script aborted on request."""

    __module__ = "gda.scan"


class CommandInterrupted(ScanInterruptedException, KeyboardInterrupt):
    """Ctrl-C during a scan or a move: every device was stopped."""

    __module__ = "gda.scan"


_java_bases_done = False


def install_java_bases() -> None:
    """Give the Java exceptions their Python bases (before JPype first builds their classes)."""
    global _java_bases_done
    if _java_bases_done:
        return
    _java_bases_done = True
    make_exception_base("java.lang.InterruptedException", InterruptedException)
    make_exception_base("gda.scan.ScanInterruptedException", ScanInterruptedException)
    make_exception_base("gda.device.DeviceException", DeviceError)


def interruptible(func: Callable[..., Any], what: str = "Scan") -> Callable[..., Any]:
    """``func`` raising the script-catchable exceptions above on an abort or Ctrl-C."""

    @functools.wraps(func)
    def command(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ScanInterruptedException as exc:
            if is_java(exc):  # a Java ScanInterruptedException that reached us untranslated
                raise ScanInterruptedException(str(exc.getMessage())) from None
            raise
        except ScanAbortedError as exc:
            message = str(exc).removeprefix("gda.scan.ScanInterruptedException: ")
            raise ScanInterruptedException(message or f"{what} aborted on request.") from None
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
        """Wait while the script is paused; raise ScanInterruptedException if it was aborted."""
        with self._cond:
            while self._paused and not self._abort:
                self._cond.wait()
            if self._abort:
                self._abort = False
                self._paused = False
                raise ScanInterruptedException("Script aborted on request.")


_controller = ScriptController()


def script_controller() -> ScriptController:
    """The process's script controller (one script runs at a time, as in GDA)."""
    return _controller
