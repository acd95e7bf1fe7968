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


class _JvmSignals:
    """JPype's SIGINT and SIGTERM handlers, held by the main thread while it may wait in Java.

    Two things undo JPype's SIGINT handler after the JVM started. JPype interrupts the Java thread
    that started the JVM, which may have been a helper thread (the JVM starts lazily). And anything
    that runs ``asyncio.run`` on the main thread (nbclient, prompt_toolkit, a user's own code) ends
    by reinstalling Python's C handler for SIGINT in place of the JVM's, after which a Java wait is
    never interrupted. So each interruptible section of the main thread aims JPype's handler at
    itself and reinstalls it (about 15 us; Python's own handler still runs, called by JPype's).

    JPype's SIGTERM handler hands the signal to Python's handler, and with none (Python's default)
    the JVM crashes: a `kill` or a service manager's stop left an hs_err file, an unclosed scan
    file and moving motors. A SIGTERM therefore raises ``SystemExit(143)`` in the main thread,
    woken from any Java wait, so a scan stops its devices and closes its file as for Ctrl-C.
    """

    def __init__(self) -> None:
        signal_class = jpype.JClass("org.jpype.JPypeSignal").class_
        self._main = signal_class.getDeclaredField("main")
        self._main.setAccessible(True)
        handler_class = jpype.JClass("sun.misc.SignalHandler")
        factory = signal_class.getDeclaredMethod("getSignalHandler", jpype.JClass("java.lang.Class"), jpype.JInt)
        factory.setAccessible(True)
        self._signal_class = jpype.JClass("sun.misc.Signal")
        self._handlers = {sig: (self._signal_class(sig.name.removeprefix("SIG")),
                                factory.invoke(None, handler_class.class_, jpype.JInt(sig)))
                          for sig in (signal.SIGINT, signal.SIGTERM)}

    def _install(self, sig: signal.Signals) -> None:
        self._signal_class.handle(*self._handlers[sig])

    def take(self) -> None:
        self._main.set(None, jpype.JClass("java.lang.Thread").currentThread())
        if callable(signal.getsignal(signal.SIGINT)):  # not ignored or left to the OS on purpose
            self._install(signal.SIGINT)
        if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
            signal.signal(signal.SIGTERM, _terminate)
            self._install(signal.SIGTERM)


_terminated: int | None = None
"""The exit status a SIGTERM asked for; an interrupt it caused inside Java ends as SystemExit too."""


def _terminate(signum: int, frame: object) -> None:
    global _terminated
    _terminated = 128 + signum
    raise SystemExit(_terminated)


_jvm_signals: _JvmSignals | None = None


def take_signals_for_the_main_thread() -> None:
    """Make Ctrl-C and SIGTERM reach the main thread, in Java waits too (see _JvmSignals); a no-op
    on other threads and before the JVM runs."""
    global _jvm_signals
    if threading.current_thread() is not threading.main_thread() or not jpype.isJVMStarted():
        return
    if _jvm_signals is None:
        _jvm_signals = _JvmSignals()
    _jvm_signals.take()


@contextlib.contextmanager
def interruptible() -> Iterator[None]:
    """Turn every form of Ctrl-C inside the block into exactly one KeyboardInterrupt (a SIGTERM's
    into SystemExit)."""
    take_signals_for_the_main_thread()
    _state.seen = False
    clear_interrupt()  # a Ctrl-C pressed before the block must not abort it
    try:
        yield
    except JavaInterrupt:
        if not getattr(_state, "seen", False) and threading.current_thread() is threading.main_thread():
            _absorb_late_interrupt()
        clear_interrupt()
        if _terminated is not None:
            raise SystemExit(_terminated) from None
        raise KeyboardInterrupt from None
    except KeyboardInterrupt:
        clear_interrupt()
        if _terminated is not None:
            raise SystemExit(_terminated) from None
        raise
