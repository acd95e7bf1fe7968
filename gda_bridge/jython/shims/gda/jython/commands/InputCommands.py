"""gda.jython.commands.InputCommands: requestInput(prompt), a line typed at the terminal."""

import sys

from gda_bridge.scans.context import context


def requestInput(prompt: str | None = None) -> str:  # noqa: N802 - GDA's name
    """Print the prompt (if any) on the terminal and return the next line typed, without its
    newline. With no terminal input left (a script run with its input closed) it raises
    EOFError naming the prompt instead of returning an empty answer."""
    if prompt:
        context().output(str(prompt))
    line = sys.stdin.readline()
    if not line:
        raise EOFError(f"requestInput({prompt!r}): no input (the terminal's input is closed)")
    return line.rstrip("\r\n")


__all__ = ["requestInput"]
