"""Run-time helpers that translated Python 2 scripts call, keeping Jython 2.7 semantics.

The Python 2 -> 3 pass rewrites ``a / b`` to ``__gda_div__(a, b)``, print statements to
``__gda_print__(...)``, ``round(x)`` to ``__gda_round__(x)`` and so on. The helpers are found by
name: :func:`install` puts them in a namespace, or (the default) in ``builtins`` so that every
translated module and function finds them. All of them are dunder names, so nothing leaks into
the names a script sees.
"""

from __future__ import annotations

import builtins
import functools
import importlib
import math
import numbers
import operator
import os
import sys
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, TextIO


def gda_div(a: Any, b: Any) -> Any:
    """Python 2 ``a / b``: floor division when both are integers (Java ints included), else true;
    a class of the script's that defines Python 2's ``__div__`` / ``__rdiv__`` gets them called."""
    if type(a) is int and type(b) is int:
        return a // b
    if isinstance(a, numbers.Integral) and isinstance(b, numbers.Integral):
        return a // b
    result = _py2_division(a, b, "__div__", "__rdiv__")
    return a / b if result is NotImplemented else result


def _py2_division(a: Any, b: Any, method: str, reflected: str) -> Any:
    """Python 2's ``/`` for classes that define ``__div__`` / ``__rdiv__`` (as Python 2 did: a's
    method, then b's reflected one); NotImplemented when neither applies."""
    own = getattr(type(a), method, None)
    if own is not None:
        result = own(a, b)
        if result is not NotImplemented:
            return result
    other = getattr(type(b), reflected, None)
    if other is not None:
        return other(b, a)
    return NotImplemented


def gda_idiv(a: Any, b: Any) -> Any:
    """Python 2 ``a /= b`` (the result is assigned back; in place for objects that support it)."""
    if isinstance(a, numbers.Integral) and isinstance(b, numbers.Integral):
        return a // b
    own = getattr(type(a), "__idiv__", None)
    if own is not None:
        result = own(a, b)
        if result is not NotImplemented:
            return result
    result = _py2_division(a, b, "__div__", "__rdiv__")
    return operator.itruediv(a, b) if result is NotImplemented else result


# Python 2 print keeps a "soft space" per stream, in the stream's ``softspace`` attribute as
# Python 2 files did: ``print a,`` writes a and remembers that a space is due before whatever the
# next print statement writes on the same line.


def _py2_str(item: object) -> str:
    if isinstance(item, float):  # Python 2 str(float): 12 significant digits (Java doubles too)
        if math.isfinite(item):
            text = f"{item:.12g}"
            if "e" not in text and "." not in text:
                text += ".0"
            return text
        return "nan" if math.isnan(item) else ("inf" if item > 0 else "-inf")
    return str(item)


def gda_print(*items: object, file: TextIO | None = None, comma: bool = False) -> None:
    """A Python 2 print statement: ``print a, b`` / ``print a,`` (comma=True) / ``print >>f, a``."""
    stream = sys.stdout if file is None else file
    soft = bool(getattr(stream, "softspace", False))
    parts: list[str] = []
    for item in items:
        if soft:
            parts.append(" ")
        text = _py2_str(item)
        parts.append(text)
        soft = not (isinstance(item, str) and text and text[-1].isspace() and text[-1] != " ")
    if not comma:
        parts.append("\n")
        soft = False
    try:
        stream.softspace = soft
    except AttributeError:  # a stream without attributes: write the space now instead
        if soft:
            parts.append(" ")
    stream.write("".join(parts))


def gda_round(number: Any, ndigits: int = 0) -> Any:
    """Python 2 round(): halves away from zero, and a float result."""
    if isinstance(number, int | float) and not isinstance(number, bool | complex):
        try:
            exponent = Decimal(1).scaleb(-int(ndigits))
            return float(Decimal(number).quantize(exponent, rounding=ROUND_HALF_UP))
        except InvalidOperation:  # inf, nan, or too many digits: Python 2 gave the value back
            return float(number)
    return round(number, ndigits)


def gda_cmp(a: Any, b: Any) -> int:
    """Python 2 cmp()."""
    return (a > b) - (a < b)


def gda_cmp_key(cmp: Any, key: Any = None) -> Any:
    """``sort(cmp=f, key=k)`` as Python 3's ``key=``: f compares the keys k gives (Python 2)."""
    if cmp is None:
        return key
    wrapped = functools.cmp_to_key(cmp)
    if key is None:
        return wrapped
    return lambda item: wrapped(key(item))


class GdaCmpOrder:
    """Mixed into classes that order instances with ``__cmp__`` only: Python 3 comparisons from it.
    Hashable by identity, as such instances were in Python 2."""

    __slots__ = ()
    __hash__ = object.__hash__

    def _cmp(self, other: Any) -> Any:
        result = self.__cmp__(other)  # type: ignore[attr-defined]
        return result if result is NotImplemented else int(result)

    def __eq__(self, other: object) -> bool:
        result = self._cmp(other)
        return result if result is NotImplemented else result == 0

    def __ne__(self, other: object) -> bool:
        result = self._cmp(other)
        return result if result is NotImplemented else result != 0

    def __lt__(self, other: Any) -> bool:
        result = self._cmp(other)
        return result if result is NotImplemented else result < 0

    def __le__(self, other: Any) -> bool:
        result = self._cmp(other)
        return result if result is NotImplemented else result <= 0

    def __gt__(self, other: Any) -> bool:
        result = self._cmp(other)
        return result if result is NotImplemented else result > 0

    def __ge__(self, other: Any) -> bool:
        result = self._cmp(other)
        return result if result is NotImplemented else result >= 0


# Python 2 code given to exec/eval at run time: translated as the calling file was.
@functools.lru_cache(maxsize=256)
def _py2_code(source: str, kind: str, filename: str) -> Any:
    from gda_bridge.jython.translate import translate_source

    if kind == "eval":
        source = source.strip()
    translated = translate_source(source, filename, "py2", None, cache=None)
    return compile(translated.strip() if kind == "eval" else translated, filename, kind, dont_inherit=True)


def _namespaces(globals_: Any, locals_: Any, depth: int = 2) -> tuple[Any, Any]:
    """exec's defaults: the caller's globals and locals (locals default to the globals given)."""
    if globals_ is None:
        frame = sys._getframe(depth)
        return frame.f_globals, frame.f_locals if locals_ is None else locals_
    return globals_, globals_ if locals_ is None else locals_


def gda_exec(source: Any, globals_: Any = None, locals_: Any = None) -> None:
    """Python 2's exec: a string is Python 2 code, translated before it runs."""
    g, loc = _namespaces(globals_, locals_)
    code = _py2_code(source, "exec", "<string>") if isinstance(source, str) else source
    exec(code, g, loc)


def gda_eval(source: Any, globals_: Any = None, locals_: Any = None) -> Any:
    """Python 2's eval: a string is a Python 2 expression (``eval("7/2")`` is 3)."""
    g, loc = _namespaces(globals_, locals_)
    code = _py2_code(source, "eval", "<string>") if isinstance(source, str) else source
    return eval(code, g, loc)


def gda_execfile(filename: Any, globals_: Any = None, locals_: Any = None) -> None:
    """Python 2's execfile: the file is decided and translated as a script is."""
    from gda_bridge.jython.translate import compile_script, decide_mode

    g, loc = _namespaces(globals_, locals_)
    path = os.fspath(filename)
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        text = f.read()
    exec(compile_script(text, path, decide_mode(path, text)), g, loc)


HELPERS: dict[str, Any] = {
    "__gda_div__": gda_div,
    "__gda_idiv__": gda_idiv,
    "__gda_print__": gda_print,
    "__gda_round__": gda_round,
    "__gda_cmp__": gda_cmp,
    "__gda_cmp_key__": gda_cmp_key,
    "__gda_cmp_order__": GdaCmpOrder,
    "__gda_exec__": gda_exec,
    "__gda_eval__": gda_eval,
    "__gda_execfile__": gda_execfile,
    "__gda_reduce__": functools.reduce,
    "__gda_intern__": sys.intern,
    "__gda_reload__": importlib.reload,
    "__gda_file__": open,
}


def install(namespace: dict[str, Any] | None = None) -> None:
    """Make the helpers visible to translated code: in namespace, or in builtins when None."""
    target = builtins.__dict__ if namespace is None else namespace
    for name, helper in HELPERS.items():
        if target.get(name) is not helper:
            target[name] = helper
