"""gda.scan: ConcurrentScan (run by our scan runner, so the table, files and analysis follow),
ScanPositionProvider (a base for position lists scripts write), ScanInterruptedException."""

from collections.abc import Sequence
from typing import Any

from gda_bridge.commands.scanning import scan
from gda_bridge.jython.importer import java_fallback
from gda_bridge.jython.interrupts import exception_names
from gda_bridge.jython.namespace import scan_command

ScanInterruptedException = exception_names()["ScanInterruptedException"]


class ScanPositionProvider:
    """Positions for one scannable: subclass and give get(index) and size()."""

    def get(self, index: int) -> Any:
        raise NotImplementedError

    def size(self) -> int:
        raise NotImplementedError


class ScanPositionProviderFactory:
    @staticmethod
    def create(positions: Sequence[Any]) -> ScanPositionProvider:
        return _ListProvider(list(positions))


class _ListProvider(ScanPositionProvider):
    def __init__(self, positions: list[Any]) -> None:
        self._positions = positions

    def get(self, index: int) -> Any:
        return self._positions[index]

    def size(self) -> int:
        return len(self._positions)


class ConcurrentScan:
    """``ConcurrentScan([x, 0, 10, 1, det, 0.1]).runScan()``, as scripts build scans by hand."""

    def __init__(self, args: Sequence[Any]) -> None:
        self.args = list(args)
        self.result: Any = None

    def runScan(self) -> Any:  # noqa: N802
        self.result = scan_command(scan)(*self.args)
        return self.result

    run = runScan

    def getScanNumber(self) -> Any:  # noqa: N802
        return None if self.result is None else self.result.scan_number


__all__ = ["ConcurrentScan", "ScanInterruptedException", "ScanPositionProvider", "ScanPositionProviderFactory"]
__getattr__ = java_fallback(__name__)
