"""Java's boxed-number constructors given a string parse it as Java does.

JPype builds ``java.lang.Float('x')`` with Python's ``float('x')`` and raises ``ValueError``;
in GDA (Jython) it was Java's constructor, which throws ``NumberFormatException``, and scripts
catch that (``except NumberFormatException``, ``except java.lang.Exception``). With
:func:`install_java_number_parsing`, a single string argument goes to the class's
``valueOf(String)``, so the Java exception (and Java's parsing rules: ``Integer('1.5')`` fails,
``Boolean('yes')`` is false) is what scripts see. Other arguments are converted as before.
"""

from __future__ import annotations

from typing import Any

import jpype

from gda_bridge.bridge.jvm import ensure_jvm

_BOXED = ("Float", "Double", "Integer", "Long", "Short", "Byte", "Boolean")
_installed = False


def _parsing_constructor(original: Any) -> Any:
    def __new__(cls: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N807 - replaces the constructor
        if len(args) == 1 and not kwargs and isinstance(args[0], str):
            return cls.valueOf(args[0])
        return original(cls, *args, **kwargs)

    return __new__


def install_java_number_parsing() -> None:
    """Make java.lang.Float(str) & co. parse their string in Java (idempotent)."""
    global _installed
    if _installed:
        return
    ensure_jvm()
    for name in _BOXED:
        cls = jpype.JClass(f"java.lang.{name}")
        cls._customize("__new__", _parsing_constructor(cls.__new__))
    _installed = True
