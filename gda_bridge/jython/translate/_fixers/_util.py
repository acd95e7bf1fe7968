"""Helpers shared by our fixers."""

from __future__ import annotations

from fissix.pytree import Base, Leaf


def keep_line_count(old_text: str, new: Base) -> None:
    """Keep a rewritten node as many lines long as the code it replaces.

    Our replacements are calls, so missing newlines go, as plain whitespace, before the closing
    parenthesis of the outermost call (a newline is allowed anywhere inside brackets).
    """
    missing = old_text.count("\n") - str(new).count("\n")
    if missing <= 0:
        return
    closing = [leaf for leaf in new.leaves() if leaf.value == ")"]
    if closing:
        last: Leaf = closing[-1]
        last.prefix = last.prefix + "\n" * missing
