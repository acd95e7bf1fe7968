"""The console's IPython shell: an error is one (red) line; ``%tb`` shows its full traceback."""

from __future__ import annotations

import sys
from typing import Any

from IPython.terminal.interactiveshell import TerminalInteractiveShell
from rich.console import Console
from rich.text import Text


def one_line(value: BaseException) -> str:
    """``DeviceError: x: position 11 is outside the limits (-10:10)``: the error as a user reads it."""
    name = type(value).__name__
    if isinstance(value, SyntaxError):
        where = f" (line {value.lineno})" if value.lineno and value.lineno > 1 else ""
        text = (value.text or "").strip()
        return f"{name}: {value.msg}{where}" + (f": {text}" if text else "")
    message = " ".join(str(value).split())
    return f"{name}: {message}" if message else name


class GdaShell(TerminalInteractiveShell):
    """TerminalInteractiveShell whose errors are one line unless ``verbose`` (or ``%tb`` asks)."""

    verbose = False
    error_console: Console | None = None
    _full = False

    def _brief(self) -> bool:
        return not (self.verbose or self._full)

    def _say_error(self, exc_tuple: Any = None) -> None:
        try:
            _, value, _ = self._get_exc_info(exc_tuple)  # also keeps it for %tb in sys.last_*
        except ValueError:
            return
        console = self.error_console or Console(stderr=False)
        console.print(Text(one_line(value), style="red"), soft_wrap=True)

    def showtraceback(self, exc_tuple: Any = None, filename: str | None = None, tb_offset: int | None = None,
                      exception_only: bool = False, running_compiled_code: bool = False) -> None:
        if self._brief():
            self._say_error(exc_tuple)
            return
        super().showtraceback(exc_tuple, filename, tb_offset, exception_only, running_compiled_code)

    def showsyntaxerror(self, filename: str | None = None, running_compiled_code: bool = False) -> None:
        if self._brief():
            self._say_error()
            return
        super().showsyntaxerror(filename, running_compiled_code)

    def show_full_traceback(self) -> None:
        self._full = True
        try:
            if getattr(sys, "last_value", None) is None:
                print("No error to show yet.")
                return
            super().showtraceback((sys.last_type, sys.last_value, sys.last_traceback))
        finally:
            self._full = False


def install_tb_magic(shell: GdaShell) -> None:
    """``%tb``: the last error's full traceback (the console otherwise shows its one line)."""

    def tb(line: str) -> None:  # noqa: ARG001 - IPython passes the rest of the line
        shell.show_full_traceback()

    shell.register_magic_function(tb, "line", "tb")
