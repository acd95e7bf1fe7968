"""GDA's vararg call form: ``pos x 1`` reaches a vararg alias as ``pos([x, 1])`` (one list)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def unpacked(args: Sequence[Any]) -> tuple[Any, ...]:
    """The arguments of a command called either way: ``f([a, b])`` (GDA's vararg form, what the
    command-syntax translator emits) or ``f(a, b)``. No command takes one list as its only
    argument, so a single non-empty list is always the vararg form."""
    if len(args) == 1 and isinstance(args[0], list) and args[0]:
        return tuple(args[0])
    return tuple(args)
