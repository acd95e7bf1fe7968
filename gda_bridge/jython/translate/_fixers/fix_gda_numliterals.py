"""Python 2 number literals: ``10L`` -> ``10``, ``0777`` -> ``0o777`` and also ``077L`` -> ``0o77``
(fissix's own fixer drops the L but leaves the octal)."""

from __future__ import annotations

from fissix import pytree
from fissix.fixer_util import Number
from fissix.fixes.fix_numliterals import FixNumliterals


def _is_octal(value: str) -> bool:
    return value.startswith("0") and value.isdigit() and len(set(value)) > 1


class FixGdaNumliterals(FixNumliterals):
    def match(self, node: pytree.Leaf) -> bool:
        return self.is_long(node) or _is_octal(node.value)

    def transform(self, node: pytree.Leaf, results: dict) -> pytree.Leaf:
        value = node.value[:-1] if self.is_long(node) else node.value
        if _is_octal(value):
            value = "0o" + value[1:]
        return Number(value, prefix=node.prefix)
