"""Ctrl-C during a scan or a move: one KeyboardInterrupt for the caller, never a stray second one.

With ``startJVM(interrupt=False)`` JPype takes SIGINT on Java's signal thread: it interrupts the
main Java thread first and raises Python's KeyboardInterrupt a moment later. A scan of Java
devices therefore ends (the engine saw the Java interrupt) before Python's KeyboardInterrupt
arrives, which would then surface in whatever the caller runs next. The bridge marks an interrupt
that came through Java as ``JavaInterrupt``; an interruptible section waits for the late Python
one and absorbs it. (Installing our own Python SIGINT handler is no way out: it replaces the JVM's
handler, and a blocked Java wait would then not be interrupted at all.)
"""

from __future__ import annotations

import contextlib
import signal
import threading
import time
from collections.abc import Iterator

import jpype

LATE_INTERRUPT_WAIT = 0.25

_state = threading.local()


class JavaInterrupt(KeyboardInterrupt):
    """Ctrl-C as the Java side saw it; Python's own KeyboardInterrupt for it may still come."""


def clear_interrupt() -> None:
    """Clear this thread's Java interrupt flag. JPype sets it on every Ctrl-C, even while only
    Python code runs; left set, it makes the next Java call that waits fail."""
    if jpype.isJVMStarted():
        jpype.JClass("java.lang.Thread").interrupted()


def python_interrupt_seen() -> None:
    """Record that Python's KeyboardInterrupt for this Ctrl-C has been raised already."""
    _state.seen = True


def _absorb_late_interrupt() -> None:
    deadline = time.monotonic() + LATE_INTERRUPT_WAIT
    while time.monotonic() < deadline:
        try:
            time.sleep(0.001)  # returns to the interpreter, which raises the pending interrupt
        except KeyboardInterrupt:
            return


class _JvmCtrlC:
    """JPype's SIGINT handler, held by the main thread while it may wait in Java.

    Two things undo it after the JVM started. JPype interrupts the Java thread that started the
    JVM, which may have been a helper thread (the JVM starts lazily). And anything that runs
    ``asyncio.run`` on the main thread (nbclient, prompt_toolkit, a user's own code) ends by
    reinstalling Python's C handler for SIGINT in place of the JVM's, after which a Java wait is
    never interrupted. So each interruptible section of the main thread aims JPype's handler at
    itself and reinstalls it (about 15 us; Python's own handler still runs, called by JPype's).
    """

    def __init__(self) -> None:
        signal_class = jpype.JClass("org.jpype.JPypeSignal").class_
        self._main = signal_class.getDeclaredField("main")
        self._main.setAccessible(True)
        handler_class = jpype.JClass("sun.misc.SignalHandler")
        factory = signal_class.getDeclaredMethod("getSignalHandler", jpype.JClass("java.lang.Class"), jpype.JInt)
        factory.setAccessible(True)
        self._handler = factory.invoke(None, handler_class.class_, jpype.JInt(signal.SIGINT))
        self._signal_class = jpype.JClass("sun.misc.Signal")
        self._sigint = self._signal_class("INT")

    def take(self) -> None:
        self._main.set(None, jpype.JClass("java.lang.Thread").currentThread())
        self._signal_class.handle(self._sigint, self._handler)


_jvm_ctrl_c: _JvmCtrlC | None = None


def _take_ctrl_c_for_the_main_thread() -> None:
    global _jvm_ctrl_c
    if threading.current_thread() is not threading.main_thread() or not jpype.isJVMStarted():
        return
    if not callable(signal.getsignal(signal.SIGINT)):
        return  # Ctrl-C ignored or left to the OS on purpose
    if _jvm_ctrl_c is None:
        _jvm_ctrl_c = _JvmCtrlC()
    _jvm_ctrl_c.take()


@contextlib.contextmanager
def interruptible() -> Iterator[None]:
    """Turn every form of Ctrl-C inside the block into exactly one KeyboardInterrupt."""
    _take_ctrl_c_for_the_main_thread()
    _state.seen = False
    clear_interrupt()  # a Ctrl-C pressed before the block must not abort it
    try:
        yield
    except JavaInterrupt:
        if not getattr(_state, "seen", False) and threading.current_thread() is threading.main_thread():
            _absorb_late_interrupt()
        clear_interrupt()
        raise KeyboardInterrupt from None
    except KeyboardInterrupt:
        clear_interrupt()
        raise
