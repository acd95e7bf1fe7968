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
import threading
import time
from collections.abc import Iterator

import jpype

LATE_INTERRUPT_WAIT = 0.25

_state = threading.local()
_target = None  # the Field JPypeSignal.main, looked up once


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


def _aim_ctrl_c_at_this_thread() -> None:
    """JPype interrupts the Java thread that started the JVM on Ctrl-C. The JVM starts lazily,
    perhaps on a helper thread; Python's main thread waiting in Java (a held scan) would then
    never be woken. So the main thread, entering an interruptible section, becomes that thread."""
    global _target
    if threading.current_thread() is not threading.main_thread() or not jpype.isJVMStarted():
        return
    if _target is None:
        _target = jpype.JClass("org.jpype.JPypeSignal").class_.getDeclaredField("main")
        _target.setAccessible(True)
    me = jpype.JClass("java.lang.Thread").currentThread()
    if not me.equals(_target.get(None)):  # every time: the main thread's Java peer may be new
        _target.set(None, me)


@contextlib.contextmanager
def interruptible() -> Iterator[None]:
    """Turn every form of Ctrl-C inside the block into exactly one KeyboardInterrupt."""
    _aim_ctrl_c_at_this_thread()
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
