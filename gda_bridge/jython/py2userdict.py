"""Python 2's ``UserDict`` module for translated scripts (``import UserDict`` is pointed here)."""

from __future__ import annotations

from collections import UserDict
from collections.abc import Iterator, MutableMapping
from typing import Any

IterableUserDict = UserDict  # Python 3's UserDict iterates, as IterableUserDict did


class DictMixin(MutableMapping):
    """Python 2's DictMixin: define ``__getitem__``, ``__setitem__``, ``__delitem__`` and
    ``keys()``; the rest of the mapping methods come from them."""

    def keys(self) -> Any:
        raise NotImplementedError(f"{type(self).__name__} (a DictMixin) must define keys()")

    def __iter__(self) -> Iterator[Any]:
        return iter(self.keys())

    def __len__(self) -> int:
        return len(list(self.keys()))

    def has_key(self, key: Any) -> bool:
        return key in self

    def __contains__(self, key: Any) -> bool:
        try:
            self[key]
        except KeyError:
            return False
        return True


__all__ = ["DictMixin", "IterableUserDict", "UserDict"]
