"""The alias registry: which names the command-syntax translator turns into calls."""

from __future__ import annotations

import keyword
import threading
from collections.abc import Iterable

DEFAULT_ALIASES: tuple[str, ...] = (
    "alias", "vararg_alias", "remove_alias", "ls", "ls_names", "help", "list_defaults",
    "clear_defaults", "add_default", "remove_default", "level", "pause", "reset_namespace", "run",
    "staticscan", "lastScanDataPoint",
)
DEFAULT_VARARG_ALIASES: tuple[str, ...] = (
    "pos", "upos", "inc", "uinc", "scan", "pscan", "cscan", "testscan", "gscan", "tscan",
    "timescan",
)


def _command_name(name: object) -> str:
    """Accept a name or a callable (``alias(myfunc)``, as GDA allows) and check it is usable."""
    text = name if isinstance(name, str) else getattr(name, "__name__", None)
    if not isinstance(text, str) or not text.isidentifier() or keyword.iskeyword(text):
        raise ValueError(f"cannot alias {name!r}: an alias must be a Python name that is not a keyword")
    return text


class AliasRegistry:
    """Plain aliases (``ls``, ``run``) and vararg aliases (``pos``, ``scan``).

    Both kinds are translated the same way (``pos x 1`` -> ``pos(x, 1)``); the kind is kept because
    GDA keeps it and the command layer may want to know. Safe to read from any thread while another
    thread adds or removes aliases (the sets are replaced, never mutated).
    """

    def __init__(
        self,
        aliases: Iterable[str] = DEFAULT_ALIASES,
        vararg_aliases: Iterable[str] = DEFAULT_VARARG_ALIASES,
    ) -> None:
        self._lock = threading.Lock()
        plain = frozenset(_command_name(n) for n in aliases)
        vararg = frozenset(_command_name(n) for n in vararg_aliases)
        self._plain = plain - vararg
        self._vararg = vararg
        self._all = self._plain | self._vararg

    @classmethod
    def empty(cls) -> AliasRegistry:
        return cls((), ())

    def alias(self, name: object) -> str:
        """Make ``name`` a plain alias (``name a b`` -> ``name(a, b)``); returns the name."""
        text = _command_name(name)
        with self._lock:
            self._plain = self._plain | {text}
            self._vararg = self._vararg - {text}
            self._all = self._plain | self._vararg
        return text

    def vararg_alias(self, name: object) -> str:
        """Make ``name`` a vararg alias; returns the name."""
        text = _command_name(name)
        with self._lock:
            self._vararg = self._vararg | {text}
            self._plain = self._plain - {text}
            self._all = self._plain | self._vararg
        return text

    def remove_alias(self, name: object) -> bool:
        """Stop translating ``name``; returns whether it was an alias."""
        text = _command_name(name)
        with self._lock:
            known = text in self._all
            self._plain = self._plain - {text}
            self._vararg = self._vararg - {text}
            self._all = self._plain | self._vararg
        return known

    def is_alias(self, name: str) -> bool:
        return name in self._all

    def is_vararg(self, name: str) -> bool:
        return name in self._vararg

    __contains__ = is_alias

    @property
    def aliases(self) -> frozenset[str]:
        """The plain aliases."""
        return self._plain

    @property
    def vararg_aliases(self) -> frozenset[str]:
        return self._vararg

    @property
    def names(self) -> frozenset[str]:
        """Every name that is translated (plain and vararg)."""
        return self._all

    def copy(self) -> AliasRegistry:
        return AliasRegistry(self._plain, self._vararg)

    def __repr__(self) -> str:
        return f"AliasRegistry(aliases={sorted(self._plain)}, vararg_aliases={sorted(self._vararg)})"
