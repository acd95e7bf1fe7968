"""``a / b`` -> ``__gda_div__(a, b)``.

Python 2 floors the quotient of two integers; the helpers do that at run time (only for
integers, Java ints included) and divide truly otherwise. Skipped under
``from __future__ import division``.
"""

from __future__ import annotations

from fissix import fixer_base, pytree
from fissix.fixer_util import Call, Comma, Name
from fissix.pgen2 import token

from gda_bridge.jython.translate._fixers._util import keep_line_count


def _quiet(prefix: str) -> str:
    """Whitespace before an operator we drop: keep it only if it carries a newline or comment."""
    return prefix if ("\n" in prefix or "#" in prefix) else ""


class FixGdaDiv(fixer_base.BaseFix):
    BM_compatible = True
    PATTERN = """
              term< any* '/' any* >
              """

    def start_tree(self, tree: pytree.Base, filename: str) -> None:
        super().start_tree(tree, filename)
        self.true_division = "division" in getattr(tree, "future_features", ())

    def match(self, node: pytree.Base) -> dict | bool:
        if self.true_division:
            return False
        return super().match(node)

    def transform(self, node: pytree.Base, results: dict) -> pytree.Base | None:
        old_text = str(node)
        children = node.children
        acc = children[0].clone()
        for k in range(1, len(children), 2):
            op, right = children[k], children[k + 1].clone()
            if op.type == token.SLASH:
                outer_prefix = acc.prefix
                acc.prefix = ""
                comma = Comma()
                comma.prefix = _quiet(op.prefix)
                acc = Call(Name("__gda_div__"), [acc, comma, right], prefix=outer_prefix)
            else:
                acc = pytree.Node(self.syms.term, [acc, op.clone(), right])
        new = acc
        keep_line_count(old_text, new)
        return new
