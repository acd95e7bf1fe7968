"""Python 2's ``string`` module for translated scripts (``import string`` is pointed here).

Everything of Python 3's ``string`` plus the Python 2 names that scripts still use: the constants
``letters`` / ``lowercase`` / ``uppercase`` (ASCII, as in Jython) and the functions that became
str methods (``join``, ``split``, ``strip``, ``atoi``...).
"""

from __future__ import annotations

from string import (  # noqa: F401  (re-exported for scripts)
    Formatter,
    Template,
    ascii_letters,
    ascii_lowercase,
    ascii_uppercase,
    capwords,
    digits,
    hexdigits,
    octdigits,
    printable,
    punctuation,
    whitespace,
)
from typing import Any

letters = ascii_letters
lowercase = ascii_lowercase
uppercase = ascii_uppercase
maketrans = str.maketrans


def join(words: Any, sep: str = " ") -> str:
    return sep.join(words)


joinfields = join


def split(s: str, sep: str | None = None, maxsplit: int = -1) -> list[str]:
    return s.split(sep, maxsplit)


splitfields = split


def rsplit(s: str, sep: str | None = None, maxsplit: int = -1) -> list[str]:
    return s.rsplit(sep, maxsplit)


def strip(s: str, chars: str | None = None) -> str:
    return s.strip(chars)


def lstrip(s: str, chars: str | None = None) -> str:
    return s.lstrip(chars)


def rstrip(s: str, chars: str | None = None) -> str:
    return s.rstrip(chars)


def lower(s: str) -> str:
    return s.lower()


def upper(s: str) -> str:
    return s.upper()


def swapcase(s: str) -> str:
    return s.swapcase()


def capitalize(s: str) -> str:
    return s.capitalize()


def find(s: str, sub: str, *args: int) -> int:
    return s.find(sub, *args)


def rfind(s: str, sub: str, *args: int) -> int:
    return s.rfind(sub, *args)


def index(s: str, sub: str, *args: int) -> int:
    return s.index(sub, *args)


def rindex(s: str, sub: str, *args: int) -> int:
    return s.rindex(sub, *args)


def count(s: str, sub: str, *args: int) -> int:
    return s.count(sub, *args)


def replace(s: str, old: str, new: str, maxreplace: int = -1) -> str:
    return s.replace(old, new, maxreplace)


def zfill(s: Any, width: int) -> str:
    return (s if isinstance(s, str) else repr(s)).zfill(width)


def ljust(s: str, width: int, fillchar: str = " ") -> str:
    return s.ljust(width, fillchar)


def rjust(s: str, width: int, fillchar: str = " ") -> str:
    return s.rjust(width, fillchar)


def center(s: str, width: int, fillchar: str = " ") -> str:
    return s.center(width, fillchar)


def expandtabs(s: str, tabsize: int = 8) -> str:
    return s.expandtabs(tabsize)


def translate(s: str, table: Any, deletions: str = "") -> str:
    if deletions:
        s = s.translate({ord(c): None for c in deletions})
    return s if table is None else s.translate(table)


def atoi(s: str, base: int = 10) -> int:
    return int(s, base)


atol = atoi


def atof(s: str) -> float:
    return float(s)
