"""Calls of Python 2 builtins that Python 3 lacks or changed -> run-time helpers.

``reduce`` ``intern`` ``reload`` ``cmp`` ``file`` and ``round`` (Python 2 rounds halves away from
zero and returns a float); ``exec`` ``eval`` and ``execfile``, whose Python 2 code in strings and
files the helpers translate. fissix's own fixers for the first three add an import line, which
would move every later line; a helper keeps line numbers. A name the script binds itself (a
``def cmp``, ``file = ...``) is left alone. (fissix turns the ``exec`` statement into a call
first; this fixer then sees the call.)
"""

from __future__ import annotations

from fissix import fixer_base, pytree
from fissix.fixer_util import Name, find_binding

NAMES = ("reduce", "intern", "reload", "cmp", "file", "round", "exec", "eval", "execfile")


class FixGdaBuiltins(fixer_base.BaseFix):
    BM_compatible = True
    PATTERN = (
        "power< name=("
        + "|".join(f"'{n}'" for n in NAMES)
        + ") trailer< '(' [any] ')' > any* >"
    )

    def start_tree(self, tree: pytree.Base, filename: str) -> None:
        super().start_tree(tree, filename)
        self.bound = {name for name in NAMES if find_binding(name, tree)}

    def transform(self, node: pytree.Base, results: dict) -> None:
        name = results["name"]
        if isinstance(name, list):  # an alternation in the pattern matches as a list of one leaf
            name = name[0]
        if name.value in self.bound:
            return
        name.replace(Name(f"__gda_{name.value}__", prefix=name.prefix))
