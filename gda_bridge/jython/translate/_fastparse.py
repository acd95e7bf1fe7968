"""A faster drop-in for fissix's pgen parser loop: same grammar, same tree, same errors.

fissix's ``Parser.addtoken`` scans every arc of the current DFA state for each token, looking
up each arc's label and the first set of each nonterminal it could push; on a 500-line script
that scan is about half of the whole Python 2 -> 3 pass. The decision only depends on (symbol,
state, token label), so here it is computed once and memoised per grammar: shift to a state,
push a nonterminal, pop (accepting state) or fail. Nodes are built with the same ``convert``
tree classes, in the same order, as fissix's ``pytree.convert``, so the resulting tree is identical.
"""

from __future__ import annotations

import io
import weakref
from collections.abc import Iterable, Iterator
from typing import Any

from fissix import pytree
from fissix.pgen2 import driver, grammar, token, tokenize
from fissix.pgen2.parse import ParseError

_SHIFT, _PUSH, _POP, _FAIL = 0, 1, 2, 3

# grammar -> {(symbol, state, label): (kind, new_state, pushed_symbol)}
_tables: weakref.WeakKeyDictionary[Any, dict[tuple[int, int, int], tuple[int, int, int]]] = (
    weakref.WeakKeyDictionary()
)


def _decide(gram: Any, symbol: int, state: int, ilabel: int) -> tuple[int, int, int]:
    """What fissix's parser does with label ilabel in this state (first matching arc wins)."""
    arcs = gram.dfas[symbol][0][state]
    for label, new_state in arcs:
        kind = gram.labels[label][0]
        if label == ilabel:
            return _SHIFT, new_state, 0
        if kind >= 256 and ilabel in gram.dfas[kind][1]:
            return _PUSH, new_state, kind
    if (0, state) in arcs:
        return _POP, 0, 0
    return _FAIL, 0, 0


class _Root(pytree.Node):
    """The parsed file's root: whole-tree walks without a generator per level.

    fissix walks the whole tree three times (``leaves`` for the bottom matcher, ``pre_order`` and
    ``post_order`` for the other fixers); its recursive generators pass every node up through
    one generator per ancestor. These walks visit the same nodes in the same order, and, like
    the recursive ones, read a node's children list when they enter that node (a fixer may
    replace nodes during the walk).
    """

    def leaves(self) -> Iterator[pytree.Leaf]:
        stack = [iter(self.children)]
        while stack:
            for child in stack[-1]:
                if isinstance(child, pytree.Leaf):
                    yield child
                else:
                    stack.append(iter(child.children))
                    break
            else:
                stack.pop()

    def post_order(self) -> Iterator[pytree.Base]:
        stack: list[tuple[pytree.Base, Iterator[pytree.Base]]] = [(self, iter(self.children))]
        while stack:
            node, children = stack[-1]
            for child in children:
                if isinstance(child, pytree.Leaf):
                    yield child
                else:
                    stack.append((child, iter(child.children)))
                    break
            else:
                stack.pop()
                yield node

    def pre_order(self) -> Iterator[pytree.Base]:
        yield self
        stack = [iter(self.children)]
        while stack:
            for child in stack[-1]:
                yield child
                if not isinstance(child, pytree.Leaf):
                    stack.append(iter(child.children))
                    break
            else:
                stack.pop()


class FastDriver(driver.Driver):
    """A fissix Driver whose parse loop uses memoised parser decisions."""

    def parse_string(self, text: str, debug: bool = False) -> Any:
        return self.parse_tokens(tokenize.generate_tokens(io.StringIO(text).readline), debug)

    def parse_tokens(self, tokens: Iterable[tuple], debug: bool = False) -> Any:  # noqa: C901
        gram = self.grammar
        if self.convert is not pytree.convert:  # the loop below builds nodes as pytree.convert does
            return super().parse_tokens(tokens, debug)
        make_node, make_leaf = pytree.Node, pytree.Leaf
        table = _tables.get(gram)
        if table is None:
            table = _tables[gram] = {}
        dfas = gram.dfas
        keywords = gram.keywords
        token_labels = gram.tokens
        opmap = grammar.opmap
        name_type, op_type = token.NAME, token.OP
        skipped = (tokenize.COMMENT, tokenize.NL)
        used_names: set[str] = set()
        root: list[Any] = []

        # stack entries: [dfa states, state, raw node (type, value, context, children)]
        stack: list[list[Any]] = [[dfas[gram.start][0], 0, (gram.start, None, None, [])]]

        def pop() -> None:
            _type, _value, context, children = stack.pop()[2]
            # what pytree.convert does with a finished nonterminal: a lone child stands for it
            if len(children) == 1:
                new = children[0]
            else:
                new = (make_node if stack else _Root)(_type, children, context=context)
            if stack:
                stack[-1][2][3].append(new)
            else:
                new.used_names = used_names
                root.append(new)

        lineno, column = 1, 0
        prefix = ""
        type_ = value = start = None
        for type_, value, start, end, line_text in tokens:
            if start != (lineno, column):
                s_lineno, s_column = start
                if lineno < s_lineno:
                    prefix += "\n" * (s_lineno - lineno)
                    lineno, column = s_lineno, 0
                if column < s_column:
                    prefix += line_text[column:s_column]
                    column = s_column
            if type_ in skipped:
                prefix += value
                lineno, column = end
                if value.endswith("\n"):
                    lineno, column = lineno + 1, 0
                continue
            if type_ == op_type:
                type_ = opmap[value]
            context = (prefix, start)
            ilabel = None
            if type_ == name_type:
                used_names.add(value)
                ilabel = keywords.get(value)
            if ilabel is None:
                ilabel = token_labels.get(type_)
                if ilabel is None:
                    raise ParseError("bad token", type_, value, context)
            done = False
            while True:
                top = stack[-1]
                states, state, node = top
                key = (node[0], state, ilabel)
                decision = table.get(key)
                if decision is None:
                    decision = table[key] = _decide(gram, node[0], state, ilabel)
                kind, new_state, pushed = decision
                if kind == _SHIFT:
                    node[3].append(make_leaf(type_, value, context=context))
                    top[1] = new_state
                    # pop while in an accept-only state
                    while states[new_state] == [(0, new_state)]:
                        pop()
                        if not stack:
                            done = True
                            break
                        states, new_state = stack[-1][0], stack[-1][1]
                    break
                if kind == _PUSH:
                    top[1] = new_state
                    stack.append([dfas[pushed][0], 0, (pushed, None, context, [])])
                elif kind == _POP:
                    pop()
                    if not stack:
                        raise ParseError("too much input", type_, value, context)
                else:
                    raise ParseError("bad input", type_, value, context)
            if done:
                break
            prefix = ""
            lineno, column = end
            if value.endswith("\n"):
                lineno, column = lineno + 1, 0
        else:
            raise ParseError("incomplete input", type_, value, (prefix, start))
        return root[0]
