"""gda.jython.commands.ScannableCommands: pos, inc, scan... as scripts get them in the namespace."""

from typing import Any

from gda_bridge.commands import add_default, list_defaults, remove_default
from gda_bridge.jython.namespace import commands_for
from gda_bridge.scans.context import context


def _namespace() -> dict[str, Any]:
    from gda_bridge.jython.runner import current_runner

    return current_runner().namespace


class _RunnerNamespace(dict):
    """Reads the return flag from the running scripts' namespace when a scan starts."""

    def get(self, key: str, default: Any = None) -> Any:
        return _namespace().get(key, default)

    def items(self) -> Any:
        return _namespace().items()

    def values(self) -> Any:
        return _namespace().values()


_commands = commands_for(_RunnerNamespace())
pos, upos, inc, uinc = _commands["pos"], _commands["upos"], _commands["inc"], _commands["uinc"]
scan, rscan, cscan, pscan = _commands["scan"], _commands["rscan"], _commands["cscan"], _commands["pscan"]
gscan, staticscan, testscan = _commands["gscan"], _commands["staticscan"], _commands["testscan"]
timescan, tscan = _commands["timescan"], _commands["tscan"]


def get_defaults() -> list[Any]:
    return list(context().defaults)


__all__ = [
    "add_default", "cscan", "get_defaults", "gscan", "inc", "list_defaults", "pos", "pscan",
    "remove_default", "rscan", "scan", "staticscan", "testscan", "timescan", "tscan", "uinc", "upos",
]
