"""gdascripts.scan.concurrentScanWrapper: the callable scan objects gdascans and specscans make.

A wrapper runs its scan command and then hands the result to each of its scan listeners
(processors): ``prepareForScan()`` before the scan, ``update(result)`` after it.
"""

from collections.abc import Sequence
from typing import Any


class ConcurrentScanWrapper:
    command_name = "scan"

    def __init__(self, scanListeners: Sequence[Any] | None = None) -> None:  # noqa: N803
        self.scanListeners = list(scanListeners or [])
        self.yaxis: str | None = None

    def _command(self) -> Any:
        from gda_bridge.jython.runner import current_runner

        return current_runner().namespace_command(self.command_name)

    def __call__(self, *args: Any) -> Any:
        if len(args) == 1 and isinstance(args[0], list):  # GDA's vararg form: scan([x, 0, 1, 1])
            args = tuple(args[0])
        for listener in self.scanListeners:
            prepare = getattr(listener, "prepareForScan", None)
            if prepare is not None:
                prepare()
        result = self._command()(*args)
        for listener in self.scanListeners:
            listener.update(result)
        return result

    def __repr__(self) -> str:
        return f"<{type(self).__name__} command {self.command_name!r}>"
