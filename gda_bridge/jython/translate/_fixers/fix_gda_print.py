"""print statements -> ``__gda_print__(...)``, which keeps Python 2's soft space and float format.

``print a, b`` -> ``__gda_print__(a, b)``; ``print a,`` -> ``__gda_print__(a, comma=True)``;
``print >>f, a`` -> ``__gda_print__(a, file=f)``; ``print (a, b)`` prints the tuple, as Jython did.
"""

from __future__ import annotations

from fissix import fixer_base, pytree
from fissix.fixer_util import Call, Comma, Name
from fissix.pgen2 import token

from gda_bridge.jython.translate._fixers._util import keep_line_count

HELPER = "__gda_print__"


def _keyword(name: str, value: pytree.Base, syms: object) -> pytree.Node:
    value.prefix = ""
    return pytree.Node(
        syms.argument,  # type: ignore[attr-defined]
        [Name(name), pytree.Leaf(token.EQUAL, "="), value],
        prefix=" ",
    )


class FixGdaPrint(fixer_base.BaseFix):
    BM_compatible = True
    PATTERN = """
              simple_stmt< any* bare='print' any* > | print_stmt
              """

    def transform(self, node: pytree.Base, results: dict) -> pytree.Base | None:
        bare = results.get("bare")
        if bare:
            bare.replace(Call(Name(HELPER), [], prefix=bare.prefix))
            return None
        old_text = str(node)
        args = [child.clone() for child in node.children[1:]]
        comma = bool(args) and args[-1].type == token.COMMA
        if comma:
            args = args[:-1]
        stream = None
        if args and args[0].type == token.RIGHTSHIFT:
            stream = args[1]
            args = args[3:] if len(args) > 2 and args[2].type == token.COMMA else args[2:]
        if args and "\n" not in args[0].prefix:
            args[0].prefix = ""
        keywords = []
        if stream is not None:
            keywords.append(_keyword("file", stream, self.syms))
        if comma:
            keywords.append(_keyword("comma", Name("True"), self.syms))
        call_args: list[pytree.Base] = list(args)
        for keyword in keywords:
            if call_args:
                call_args.append(Comma())
            else:
                keyword.prefix = ""
            call_args.append(keyword)
        new = Call(Name(HELPER), call_args, prefix=node.prefix)
        keep_line_count(old_text, new)
        return new
