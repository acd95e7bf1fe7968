"""A forgiving lexer for the command-syntax pass.

It runs before the Python 2 -> 3 pass, so it must accept Python 2 source (backticks, ``<>``,
``0777``, ``10L``) and plain invalid code without raising: anything it does not recognise becomes an
``other`` token and is copied through. Joining the text of all tokens gives the input back exactly.
"""

from __future__ import annotations

import re
from typing import NamedTuple

WS = "ws"  # spaces, tabs, form feeds
NL = "nl"  # one newline (\n, \r\n or \r)
CONT = "cont"  # a backslash followed by a newline
COMMENT = "comment"
STRING = "string"
NAME = "name"
NUMBER = "number"
OP = "op"
OPEN = "open"
CLOSE = "close"
OTHER = "other"


class Token(NamedTuple):
    kind: str
    text: str


_OPS = sorted(
    [
        "**=", "//=", ">>=", "<<=", "...", "->", ":=", "**", "//", ">>", "<<", "<=", ">=", "==",
        "!=", "<>", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "@=",
        "+", "-", "*", "/", "%", "&", "|", "^", "~", "<", ">", "=", ".", ",", ":", ";", "@", "!", "`",
    ],
    key=len,
    reverse=True,
)


def _quoted(q: str) -> str:
    """A string body: triple-quoted ones may run over lines; an unterminated string runs to the
    end of its line (single quotes) or of the source (triple quotes)."""
    if len(q) == 3:
        return rf"{q}(?:[^{q[0]}\\]|\\[\s\S]|{q[0]}(?!{q[1:]}))*(?:{q}|\Z)"
    return rf"{q}(?:[^{q}\\\r\n]|\\[\s\S])*{q}?"


# One master pattern, alternatives tried in order at each position.
_TOKEN = re.compile(
    "|".join(
        [
            rf"(?P<{WS}>[ \t\f]+)",
            rf"(?P<{NL}>\r\n|\r|\n)",
            rf"(?P<{COMMENT}>#[^\r\n]*)",
            rf"(?P<{CONT}>\\(?:\r\n|\r|\n))",
            rf"(?P<{STRING}>(?i:[rbuf]{{0,2}})(?:"
            + "|".join(_quoted(q) for q in ("'''", '"""', "'", '"'))
            + "))",
            rf"(?P<{NUMBER}>0[xX][0-9a-fA-F_]+[lL]?|0[oO][0-7_]+[lL]?|0[bB][01_]+[lL]?"
            r"|(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d[\d_]*)?[jJlL]?)",
            rf"(?P<{NAME}>[^\W\d]\w*)",
            rf"(?P<{OPEN}>[(\[{{])",
            rf"(?P<{CLOSE}>[)\]}}])",
            rf"(?P<{OP}>" + "|".join(re.escape(op) for op in _OPS) + ")",
            rf"(?P<{OTHER}>[\s\S])",
        ]
    )
)


def lex(source: str) -> list[Token]:
    """Split source into tokens; ``"".join(t.text for t in lex(s)) == s`` always holds."""
    make = Token._make
    return [make((m.lastgroup, m.group())) for m in _TOKEN.finditer(source)]
