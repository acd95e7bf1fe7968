"""A class that orders its instances with ``__cmp__`` alone gets the rich comparisons Python 3
needs from it: ``class A:`` -> ``class A(__gda_cmp_order__):``.

The mixin comes after the class's own bases (``object`` is replaced by it), so any rich
comparison a base defines still wins, as it did over ``__cmp__`` in Python 2; instances stay
hashable as they were.
"""

from __future__ import annotations

from fissix import fixer_base, pytree
from fissix.fixer_util import Comma, Name
from fissix.pgen2 import token
from fissix.pygram import python_symbols as syms

MIXIN = "__gda_cmp_order__"


def _defines_cmp(suite: pytree.Base) -> bool:
    for child in suite.children:
        if child.type == syms.decorated:
            child = child.children[-1]
        if child.type == syms.funcdef and child.children[1].value == "__cmp__":
            return True
    return False


class FixGdaCmpClass(fixer_base.BaseFix):
    BM_compatible = True
    PATTERN = "classdef< 'class' any+ suite=suite< any* > >"

    def transform(self, node: pytree.Base, results: dict) -> None:
        if not _defines_cmp(results["suite"]):
            return
        children = node.children
        if children[2].type == token.COLON:  # class A:
            node.insert_child(2, pytree.Leaf(token.RPAR, ")"))
            node.insert_child(2, Name(MIXIN))
            node.insert_child(2, pytree.Leaf(token.LPAR, "("))
            return
        if children[3].type == token.RPAR:  # class A():
            node.insert_child(3, Name(MIXIN))
            return
        bases = children[3]
        items = bases.children if bases.type == syms.arglist else [bases]
        for item in items:
            if item.type == token.NAME and item.value == "object":
                item.replace(Name(MIXIN, prefix=item.prefix))
                return
        if bases.type == syms.arglist:
            bases.append_child(Comma())
            bases.append_child(Name(MIXIN, prefix=" "))
        else:
            new = pytree.Node(syms.arglist, [bases.clone(), Comma(), Name(MIXIN, prefix=" ")])
            bases.replace(new)
