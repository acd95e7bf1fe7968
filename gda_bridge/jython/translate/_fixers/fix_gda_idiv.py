"""``a /= b`` -> ``a = __gda_idiv__(a, b)`` (Python 2 floors two integers; see fix_gda_div).

``a`` is evaluated twice (``d[f()] /= 2`` calls f twice). Skipped under
``from __future__ import division``.
"""

from __future__ import annotations

from fissix import fixer_base, pytree
from fissix.fixer_util import Call, Comma, Name
from fissix.pgen2 import token

from gda_bridge.jython.translate._fixers._util import keep_line_count


class FixGdaIdiv(fixer_base.BaseFix):
    BM_compatible = False  # fissix's bottom matcher misses augmented assignments
    PATTERN = "expr_stmt< target=any op='/=' value=any >"

    def start_tree(self, tree: pytree.Base, filename: str) -> None:
        super().start_tree(tree, filename)
        self.true_division = "division" in getattr(tree, "future_features", ())

    def match(self, node: pytree.Base) -> dict | bool:
        return False if self.true_division else super().match(node)

    def transform(self, node: pytree.Base, results: dict) -> pytree.Base:
        old_text = str(node)
        target, op, value = results["target"], results["op"], results["value"]
        inner_target = target.clone()
        inner_target.prefix = ""
        inner_value = value.clone()
        inner_value.prefix = " "
        call = Call(Name("__gda_idiv__"), [inner_target, Comma(), inner_value], prefix=value.prefix)
        new = pytree.Node(
            self.syms.expr_stmt,
            [target.clone(), pytree.Leaf(token.EQUAL, "=", prefix=op.prefix), call],
        )
        keep_line_count(old_text, new)
        return new
