"""gda.jython.commands.GeneralCommands: alias, vararg_alias, remove_alias, run, pause, ls..."""

from typing import Any

from gda_bridge.commands import ls, ls_names
from gda_bridge.jython.namespace import abort, pause, resume


def _runner() -> Any:
    from gda_bridge.jython.runner import current_runner

    return current_runner()


def alias(name: object) -> None:
    _runner().alias(name)


def vararg_alias(name: object) -> None:
    _runner().vararg_alias(name)


def remove_alias(name: object) -> None:
    _runner().remove_alias(name)


def run(name: str) -> None:
    _runner().run(name)


def reset_namespace() -> None:
    _runner().reset_namespace()


__all__ = [
    "abort", "alias", "ls", "ls_names", "pause", "remove_alias", "reset_namespace", "resume", "run",
    "vararg_alias",
]
