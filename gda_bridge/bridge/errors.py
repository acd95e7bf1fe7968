"""Java exceptions turned into the package's Python exceptions, keeping the Java message."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import jpype

from gda_bridge.bridge.interrupts import JavaInterrupt
from gda_bridge.core.errors import DeviceError, GdaBridgeError, ScanAbortedError, ScanSyntaxError


def java_message(exc: BaseException) -> str:
    """The message of a Java exception (its cause's, when it only wraps another)."""
    if isinstance(exc, jpype.JException):
        msg = exc.getMessage()
        if msg:
            return str(msg)
        cause = exc.getCause()
        if cause is not None:
            return java_message(cause)
        return str(exc.getClass().getSimpleName())
    return str(exc)


def translate(exc: BaseException) -> BaseException:
    """The Python exception to raise for a Java one."""
    if not isinstance(exc, jpype.JException):
        return exc
    name = exc.getClass().getName()
    msg = java_message(exc)
    if name == "gda.scan.ScanInterruptedException":
        return ScanAbortedError(msg)
    if isinstance(exc, jpype.JClass("gda.device.DeviceException")):  # MotorException... too
        return DeviceError(msg)
    if name == "java.lang.IllegalArgumentException":
        return ScanSyntaxError(msg)
    if name == "java.lang.InterruptedException":
        return JavaInterrupt()
    return GdaBridgeError(f"{exc.getClass().getSimpleName()}: {msg}")


@contextlib.contextmanager
def java_errors() -> Iterator[None]:
    """Re-raise Java exceptions from the block as Python ones with the Java message."""
    try:
        yield
    except jpype.JException as exc:
        raise translate(exc) from None
