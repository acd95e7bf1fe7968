"""The one error the translator raises on purpose."""

from __future__ import annotations

from gda_bridge.core.errors import GdaBridgeError


class TranslationError(GdaBridgeError, SyntaxError):
    """A script cannot be translated: names the construct, the file and the user's own line.

    A SyntaxError, so tracebacks print it the way Python prints syntax errors (file, line, text).
    """

    __module__ = "gda_bridge.jython.translate"

    def __init__(
        self,
        msg: str,
        *,
        filename: str | None = None,
        lineno: int | None = None,
        offset: int | None = None,
        text: str | None = None,
    ) -> None:
        super().__init__(msg, (filename, lineno, offset, text))

    def __str__(self) -> str:
        where = []
        if self.filename:
            where.append(str(self.filename))
        if self.lineno:
            where.append(f"line {self.lineno}")
        return f"{', '.join(where)}: {self.msg}" if where else str(self.msg)
