"""GDA command syntax -> Python calls (GDA_COMPAT section 5), strictly line-preserving.

A statement that starts with an alias followed by whitespace becomes a call, as GDA's
TokenStreamTranslator emits it: ``go peak`` -> ``go(peak)`` for a plain alias, ``pos x 1`` ->
``pos([x, 1])`` for a vararg alias (the arguments as one list), ``ls`` / ``pos`` -> ``ls()`` /
``pos()``. The pass only ever inserts ``(``, ``)``, ``[``, ``]`` and ``,`` and drops the spaces
between the alias and its first argument on the same line, so every output line is the input line
it came from. Code it does not understand is copied unchanged for the interpreter to report.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection

from gda_bridge.jython.translate._aliases import AliasRegistry
from gda_bridge.jython.translate._lexer import (
    CLOSE,
    COMMENT,
    CONT,
    NAME,
    NL,
    OP,
    OPEN,
    WS,
    Token,
    lex,
)

# Keywords that open a compound statement: a ':' at bracket depth 0 in their header starts a new
# statement (``for i in r: pos x i``).
_COMPOUND = frozenset(
    {"if", "elif", "else", "for", "while", "try", "except", "finally", "with", "def", "class", "async"}
)
# After ``alias<space>``, these mean the line is an ordinary expression or assignment, not a
# command (``pos = 3``, ``scan is None``).
_NOT_COMMAND_KEYWORDS = frozenset({"if", "else", "and", "or", "in", "is", "not", "for"})
# Operators that can start an argument (unary): ``pos x -1``.
_UNARY = frozenset({"-", "+", "~", "`"})
# After whitespace and glued to what follows, these unpack an argument: ``scan x 0 1 1 *dets``.
_STAR = frozenset({"*", "**"})
# Keywords inside arguments join their neighbours like binary operators do.
_JOINING_KEYWORDS = frozenset({"and", "or", "in", "is", "not", "if", "else", "for", "lambda"})

_VALUE, _OPERATOR, _COMMA = "value", "operator", "comma"


def _matching_close(tokens: list[Token], start: int, end: int) -> int | None:
    """Index of the bracket closing tokens[start], or None when unbalanced before end."""
    depth = 0
    for k in range(start, end):
        kind = tokens[k].kind
        if kind == OPEN:
            depth += 1
        elif kind == CLOSE:
            depth -= 1
            if depth == 0:
                return k
    return None


def _join(tokens: list[Token], start: int, end: int) -> str:
    return "".join(t.text for t in tokens[start:end])


def _format_args(tokens: list[Token], start: int, end: int) -> str | None:
    """Arguments tokens[start:end] with commas inserted where whitespace separates two of them.

    ``[...]`` standing alone is an extended array whose elements are split the same way; ``(...)``,
    ``{...}`` and brackets glued to a word (``d['a']``, ``f(x)``) are copied verbatim. Returns None
    when the brackets do not balance (invalid code: leave it to the interpreter).
    """
    out: list[str] = []
    pending = ""  # whitespace, continuations, comments and newlines since the last item
    prev: str | None = None  # kind of the previous item
    i = start
    while i < end:
        tok = tokens[i]
        kind = tok.kind
        if kind in (WS, CONT, NL, COMMENT):
            pending += tok.text
            i += 1
            continue
        if kind == CLOSE:
            return None
        if kind == OPEN:
            close = _matching_close(tokens, i, end)
            if close is None:
                return None
            glued = not pending and prev == _VALUE
            if tok.text == "[" and not glued:
                inner = _format_args(tokens, i + 1, close)
                if inner is None:
                    return None
                text = "[" + inner + tokens[close].text
            else:
                text = _join(tokens, i, close + 1)
            item, i = _VALUE, close + 1
        elif kind == OP and tok.text == ",":
            text, item, i = ",", _COMMA, i + 1
        elif kind == OP or (kind == NAME and tok.text in _JOINING_KEYWORDS):
            text, item, i = tok.text, _OPERATOR, i + 1
        else:  # names, numbers, strings, anything else
            text, item, i = tok.text, _VALUE, i + 1
        starred = text in _STAR and i < end and tokens[i].kind not in (WS, CONT, NL, COMMENT)
        new_argument = (
            pending
            and prev == _VALUE
            and (item == _VALUE or (item == _OPERATOR and (text in _UNARY or starred)))
        )
        out.append(("," if new_argument else "") + pending + text)
        pending = ""
        prev = item
    out.append(pending)
    return "".join(out)


def _statement_end(tokens: list[Token], start: int) -> int | None:
    """Index of the token ending the statement that starts at start (a ';', newline or comment at
    bracket depth 0, or len(tokens)); None if a bracket closes that was never opened."""
    depth = 0
    for k in range(start, len(tokens)):
        tok = tokens[k]
        kind = tok.kind
        if kind == OPEN:
            depth += 1
        elif kind == CLOSE:
            depth -= 1
            if depth < 0:
                return None
        elif depth == 0 and (kind in (NL, COMMENT) or (kind == OP and tok.text == ";")):
            return k
    return len(tokens)


def _command(tokens: list[Token], i: int, vararg: bool) -> tuple[str, int] | None:
    """Translate the alias command at tokens[i]; returns (text, index after it) or None when the
    statement is not a command (``pos = 3``, ``pos(x)``, ``foo.bar``) and must stay as written.
    A vararg alias gets its arguments as one list (``pos([x, 1])``), as GDA passes them."""
    name = tokens[i].text
    j = i + 1
    while j < len(tokens) and tokens[j].kind in (WS, CONT):
        j += 1
    gap = _join(tokens, i + 1, j)
    at_end = j == len(tokens) or tokens[j].kind in (NL, COMMENT) or tokens[j].text == ";"
    if at_end:  # a bare alias: ``ls`` -> ``ls()``
        return name + "()" + gap, j
    first = tokens[j]
    if not gap:  # glued to '(' '.' '[' '=' ...: ordinary Python
        return None
    if first.kind == CLOSE or (first.kind == OP and first.text not in _UNARY):
        return None
    if first.kind == NAME and first.text in _NOT_COMMAND_KEYWORDS:
        return None
    end = _statement_end(tokens, j)
    if end is None:
        return None
    last = end  # drop trailing whitespace: it goes after the ')'
    while last > j and tokens[last - 1].kind in (WS, CONT):
        last -= 1
    args = _format_args(tokens, j, last)
    if args is None:
        if first.text != "(" or end < len(tokens) or not _unclosed(tokens, j, last):
            return None
        args = _join(tokens, j, last)  # ``demo (1, 2`` never closed: wrapped as GDA does
    lead = gap if ("\n" in gap or "\r" in gap) else ""  # keep continuation lines
    if vararg:
        args = "[" + args + "]"
    return name + "(" + lead + args + ")" + _join(tokens, last, end), end


def _unclosed(tokens: list[Token], start: int, end: int) -> bool:
    """True when brackets open in tokens[start:end] and never close (none closes too often)."""
    depth = 0
    for k in range(start, end):
        if tokens[k].kind == OPEN:
            depth += 1
        elif tokens[k].kind == CLOSE:
            depth -= 1
            if depth < 0:
                return False
    return depth > 0


@functools.lru_cache(maxsize=16)
def _any_alias(names: frozenset[str]) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(sorted(map(re.escape, names))) + r")\b")


def translate_gda_syntax(source: str, aliases: AliasRegistry | Collection[str]) -> str:
    """Turn GDA command lines (``pos x 1``) in source into calls; same number of lines out as in.

    A plain collection of names makes plain aliases; an AliasRegistry also says which are vararg.
    """
    names = aliases.names if isinstance(aliases, AliasRegistry) else frozenset(aliases)
    varargs = aliases.vararg_aliases if isinstance(aliases, AliasRegistry) else frozenset()
    if not names or not source:
        return source
    if not _any_alias(names).search(source):  # the common case for imported helpers
        return source
    tokens = lex(source)
    out: list[str] = []
    depth = 0
    statement_start = True
    first_word: str | None = None  # first word of the current statement
    lambdas = 0  # open 'lambda' at depth 0, each owns a ':'
    i = 0
    n = len(tokens)
    while i < n:
        tok = tokens[i]
        kind = tok.kind
        if kind in (WS, CONT, COMMENT):
            out.append(tok.text)
            i += 1
            continue
        if kind == NL:
            out.append(tok.text)
            i += 1
            if depth == 0:
                statement_start, first_word, lambdas = True, None, 0
            continue
        if statement_start and depth == 0:
            statement_start = False
            if kind == NAME and tok.text in names:
                command = _command(tokens, i, tok.text in varargs)
                if command is not None:
                    text, i = command
                    out.append(text)
                    continue
            first_word = tok.text if kind == NAME else None
        if kind == OPEN:
            depth += 1
        elif kind == CLOSE:
            depth = max(0, depth - 1)
        elif depth == 0 and kind == OP:
            if tok.text == ";":
                statement_start, first_word, lambdas = True, None, 0
            elif tok.text == ":":
                if lambdas:
                    lambdas -= 1
                elif first_word in _COMPOUND:
                    statement_start, first_word = True, None
        elif depth == 0 and kind == NAME and tok.text == "lambda":
            lambdas += 1
        out.append(tok.text)
        i += 1
    return "".join(out)



def expand_indentation_tabs(source: str) -> str:
    """Indentation tabs -> spaces to the next multiple of 8, as Python 2 read them.

    Python 2 accepted indentation mixing tabs and spaces; Python 3 refuses it (TabError). Only
    whitespace at the start of a line is changed (never inside strings), so lines stay in place.
    """
    if "\t" not in source:
        return source
    out: list[str] = []
    line_start = True
    for kind, text in lex(source):
        if line_start and kind == WS and "\t" in text:
            text = text.expandtabs(8)
        out.append(text)
        line_start = kind in (NL, CONT)
    return "".join(out)


# Jython accepted Java members named like Python 2 keywords (``printer.print(msg)``); Python 3
# accepts them too, but the Python 2 grammar does not. They are hidden from it under a stand-in
# name of the same line, and given back afterwards.
_KEYWORD_MEMBERS = ("print", "exec")


def hide_keyword_members(source: str) -> str:
    """``x.print`` -> ``x.__gda_member_print__`` (only after a ``.``; strings and comments kept)."""
    if not any("." + word in source or ". " + word in source for word in _KEYWORD_MEMBERS):
        return source
    tokens = lex(source)
    out: list[str] = []
    after_dot = False
    for kind, text in tokens:
        if after_dot and kind == NAME and text in _KEYWORD_MEMBERS:
            text = f"__gda_member_{text}__"
        out.append(text)
        if kind not in (WS, CONT):
            after_dot = kind == OP and text == "."
    return "".join(out)


def restore_keyword_members(source: str) -> str:
    for word in _KEYWORD_MEMBERS:
        source = source.replace(f"__gda_member_{word}__", word)
    return source
