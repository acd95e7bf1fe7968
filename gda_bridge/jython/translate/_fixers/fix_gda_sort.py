"""``list.sort(cmp=f)`` / ``sorted(x, f)`` -> ``key=__gda_cmp_key__(f)`` (Python 3 has no cmp).

Python 2's signatures: ``sorted(iterable, cmp, key, reverse)`` and ``list.sort(cmp, key, reverse)``.
A cmp given with a key compares the keys, as Python 2 did (``__gda_cmp_key__(f, key)``). A
positional first argument of ``.sort(...)`` is taken for cmp only when it is a name or a lambda
(``a.sort(0)`` on a numpy array sorts along an axis).
"""

from __future__ import annotations

from fissix import fixer_base, pytree
from fissix.fixer_util import Call, Comma, KeywordArg, Name
from fissix.pgen2 import token
from fissix.pygram import python_symbols as syms

from gda_bridge.jython.translate._fixers._util import keep_line_count

HELPER = "__gda_cmp_key__"


def _split(args: pytree.Base | None) -> list[pytree.Base]:
    if args is None:
        return []
    if args.type == syms.arglist:
        return [child for child in args.children if child.type != token.COMMA]
    return [args]


def _keyword(node: pytree.Base) -> str | None:
    if node.type == syms.argument and len(node.children) == 3 and node.children[1].type == token.EQUAL:
        return node.children[0].value
    return None


def _positional(node: pytree.Base) -> bool:
    return _keyword(node) is None and not (node.type == syms.argument or node.type == syms.star_expr)


class FixGdaSort(fixer_base.BaseFix):
    BM_compatible = True
    PATTERN = """
              power< any+ trailer< '.' method='sort' > call=trailer< '(' [args=any] ')' > any* >
              | power< function='sorted' call=trailer< '(' [args=any] ')' > any* >
              """

    def transform(self, node: pytree.Base, results: dict) -> pytree.Base | None:
        call = results["call"]
        items = _split(results.get("args"))
        is_sorted = "function" in results
        positional = [item for item in items if _positional(item)]
        skip = 1 if is_sorted else 0  # sorted's first positional is the iterable
        named = {_keyword(item): item.children[2] for item in items if _keyword(item)}
        extra = positional[skip:]
        if "cmp" in named:
            cmp_node = named["cmp"]
        elif extra and (is_sorted or extra[0].type in (token.NAME, syms.lambdef)):
            cmp_node = extra[0]
        else:
            return
        key_node = named.get("key") or (extra[1] if len(extra) > 1 and "cmp" not in named else None)
        reverse = named.get("reverse") or (extra[2] if len(extra) > 2 and "cmp" not in named else None)
        helper_args = [_bare(cmp_node)]
        if key_node is not None:
            helper_args += [Comma(), _spaced(key_node)]
        new_items: list[pytree.Base] = [item.clone() for item in positional[:skip]]
        new_items.append(KeywordArg(Name("key"), Call(Name(HELPER), helper_args)))
        if reverse is not None:
            new_items.append(KeywordArg(Name("reverse"), _bare(reverse)))
        new_items += [
            item.clone() for item in items if _keyword(item) not in (None, "cmp", "key", "reverse")
        ]
        new_items += [item.clone() for item in items if item.type == syms.star_expr or (
            item.type == syms.argument and _keyword(item) is None)]
        children: list[pytree.Base] = []
        for k, item in enumerate(new_items):
            if k:
                children.append(Comma())
                item.prefix = " "
            else:
                item.prefix = ""
            children.append(item)
        old_text = str(call)
        inner = pytree.Node(syms.arglist, children) if len(children) > 1 else children[0]
        new_call = pytree.Node(
            syms.trailer, [pytree.Leaf(token.LPAR, "("), inner, pytree.Leaf(token.RPAR, ")")], prefix=call.prefix
        )
        keep_line_count(old_text, new_call)
        call.replace(new_call)
        return node.clone()  # a new node: the other fixers then see the code moved into it


def _bare(node: pytree.Base) -> pytree.Base:
    new = node.clone()
    new.prefix = ""
    return new


def _spaced(node: pytree.Base) -> pytree.Base:
    new = node.clone()
    new.prefix = " "
    return new
