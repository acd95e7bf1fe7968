"""``class Worker(java.lang.Thread)``: Jython's thread subclass, as a Runnable that owns its thread.

JPype cannot extend a Java class, so a class statement naming ``java.lang.Thread`` as a base gets
:class:`ThreadSubclass` instead (see proxies.implementing_class): the instance is a Java
``Runnable`` whose ``run()`` is the user's, and Thread's methods (``start``, ``join``,
``isAlive``, ``getName``, ``setDaemon``, ``interrupt``...) are those of a ``java.lang.Thread``
made for it on first use. ``Thread.__init__(self)`` and ``Thread.__init__(self, "name")`` in the
subclass's ``__init__`` work as in Jython. ``isinstance(worker, Thread)`` is false.
"""

from __future__ import annotations

from typing import Any

import jpype

_installed = False


def _thread_init(self: Any, *args: Any, **kwargs: Any) -> None:
    """java.lang.Thread.__init__: a no-op for Java threads (made in __new__), and for a
    ThreadSubclass instance, Jython's ``Thread.__init__(self[, name])``."""
    if not isinstance(self, ThreadSubclass):
        return
    if kwargs or len(args) > 1 or (args and not isinstance(args[0], str)):
        raise TypeError(
            f"Thread.__init__(self, {', '.join(map(repr, args))}): a Python subclass of Thread takes "
            "no arguments or a thread name"
        )
    self.__dict__["_gda_thread_name"] = args[0] if args else None


def install_thread_init() -> None:
    """Let subclasses call ``Thread.__init__(self, ...)`` (idempotent)."""
    global _installed
    if not _installed:
        jpype.JClass("java.lang.Thread")._customize("__init__", _thread_init)
        _installed = True


class ThreadSubclass:
    """Mixed into a Runnable proxy class standing for a subclass of java.lang.Thread."""

    def _gda_java_thread(self) -> Any:
        thread = self.__dict__.get("_gda_thread")
        if thread is None:
            name = self.__dict__.get("_gda_thread_name")
            java_thread = jpype.JClass("java.lang.Thread")
            thread = java_thread(self) if name is None else java_thread(self, name)
            self.__dict__["_gda_thread"] = thread
        return thread

    def run(self) -> None:
        """Thread.run() with nothing to do, as Java's (subclasses override it)."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self._gda_java_thread(), name)
