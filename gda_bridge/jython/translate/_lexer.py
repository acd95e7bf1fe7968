"""A forgiving lexer for the command-syntax pass.

It runs before the Python 2 -> 3 pass, so it must accept Python 2 source (backticks, ``<>``,
``0777``, ``10L``) and plain invalid code without raising: anything it does not recognise becomes an
``other`` token and is copied through. Joining the text of all tokens gives the input back exactly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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


@dataclass(frozen=True, slots=True)
class Token:
    kind: str
    text: str


_STRING_START = re.compile(r"(?i:[rbuf]{0,2})('''|\"\"\"|'|\")")
_NUMBER = re.compile(
    r"0[xX][0-9a-fA-F_]+[lL]?|0[oO][0-7_]+[lL]?|0[bB][01_]+[lL]?"
    r"|(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d[\d_]*)?[jJlL]?"
)
_NAME = re.compile(r"[^\W\d]\w*")
_WS = re.compile(r"[ \t\f]+")
_NEWLINE = re.compile(r"\r\n|\r|\n")
_CONT = re.compile(r"\\(?:\r\n|\r|\n)")
_OPS = sorted(
    [
        "**=", "//=", ">>=", "<<=", "...", "->", ":=", "**", "//", ">>", "<<", "<=", ">=", "==",
        "!=", "<>", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "@=",
        "+", "-", "*", "/", "%", "&", "|", "^", "~", "<", ">", "=", ".", ",", ":", ";", "@", "!", "`",
    ],
    key=len,
    reverse=True,
)
_OP = re.compile("|".join(re.escape(op) for op in _OPS))


def _string_end(source: str, pos: int, quote: str) -> int:
    """Index just past the string whose body starts at pos; an unterminated string runs to the end
    of its line (single quotes) or of the source (triple quotes), for the interpreter to report."""
    n = len(source)
    triple = len(quote) == 3
    i = pos
    while i < n:
        c = source[i]
        if c == "\\":
            i += 2
            continue
        if source.startswith(quote, i):
            return i + len(quote)
        if not triple and c in "\r\n":
            return i
        i += 1
    return n


def lex(source: str) -> list[Token]:
    """Split source into tokens; ``"".join(t.text for t in lex(s)) == s`` always holds."""
    tokens: list[Token] = []
    append = tokens.append
    pos = 0
    n = len(source)
    while pos < n:
        c = source[pos]
        if c in " \t\f":
            m = _WS.match(source, pos)
            append(Token(WS, m.group()))
            pos = m.end()
        elif c in "\r\n":
            m = _NEWLINE.match(source, pos)
            append(Token(NL, m.group()))
            pos = m.end()
        elif c == "#":
            end = pos
            while end < n and source[end] not in "\r\n":
                end += 1
            append(Token(COMMENT, source[pos:end]))
            pos = end
        elif c == "\\" and (m := _CONT.match(source, pos)):
            append(Token(CONT, m.group()))
            pos = m.end()
        elif c in "([{":
            append(Token(OPEN, c))
            pos += 1
        elif c in ")]}":
            append(Token(CLOSE, c))
            pos += 1
        elif (c in "'\"" or c.isalpha()) and (m := _STRING_START.match(source, pos)):
            end = _string_end(source, m.end(), m.group(1))
            append(Token(STRING, source[pos:end]))
            pos = end
        elif (c.isdigit() or (c == "." and source[pos + 1 : pos + 2].isdigit())) and (
            m := _NUMBER.match(source, pos)
        ):
            append(Token(NUMBER, m.group()))
            pos = m.end()
        elif m := _NAME.match(source, pos):
            append(Token(NAME, m.group()))
            pos = m.end()
        elif m := _OP.match(source, pos):
            append(Token(OP, m.group()))
            pos = m.end()
        else:
            append(Token(OTHER, c))
            pos += 1
    return tokens
