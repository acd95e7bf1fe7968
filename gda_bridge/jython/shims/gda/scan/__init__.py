"""gda.scan: ScanBase and ConcurrentScan (run by our scan runner, so the table, file and analysis
follow as for ``scan``), ScanPositionProvider and its factory, ScanInterruptedException; other
names (ScanPlotSettings...) are the Java core's classes.

gdascripts builds scans the way GDA's ScannableCommands did: ``scan = ConcurrentScan(args)``, then
``scan.setScanPlotSettings(createScanPlotSettings(scan))``, ``scan.runScan()``, and its processors
read ``scan.getDataWriter().getCurrentFileName()``, ``getScanInformation().getDimensions()``,
``getUserListedScannables()`` and ``getScanPlotSettings()`` afterwards.
"""

import math
from collections.abc import Sequence
from typing import Any

from gda_bridge.bridge import JavaScan
from gda_bridge.commands import devices as dev
from gda_bridge.commands.positions import scan_arguments
from gda_bridge.commands.scanning import command_text
from gda_bridge.core.documents import ScanStatus
from gda_bridge.jython.importer import java_fallback
from gda_bridge.jython.interrupts import exception_names
from gda_bridge.jython.namespace import is_position_provider, scan_command
from gda_bridge.scans.context import context
from gda_bridge.scans.runner import run_scan

ScanInterruptedException = exception_names()["ScanInterruptedException"]


class ScanPositionProvider:
    """Positions for one scannable: subclass and give get(index) and size()."""

    def get(self, index: int) -> Any:
        raise NotImplementedError(f"{type(self).__name__}.get(index) is not implemented")

    def size(self) -> int:
        raise NotImplementedError(f"{type(self).__name__}.size() is not implemented")


class _ListProvider(ScanPositionProvider):
    def __init__(self, positions: list[Any]) -> None:
        self._positions = positions

    def get(self, index: int) -> Any:
        return self._positions[index]

    def size(self) -> int:
        return len(self._positions)

    def __repr__(self) -> str:
        return f"ScanPositionProvider({self._positions!r})"


def _region(start: float, stop: float, step: float) -> list[float]:
    """Points from start to stop inclusive, as ConcurrentScan counts them."""
    start, stop, step = float(start), float(stop), float(step)
    if step == 0:
        if start != stop:
            raise ValueError(f"ScanPositionProviderFactory: step 0 from {start:g} to {stop:g} never arrives")
        return [start]
    step = math.copysign(abs(step), stop - start) if stop != start else step
    n = int(math.floor((abs(stop - start) + abs(step) * 1e-10) / abs(step))) + 1
    return [start + i * step for i in range(n)]


class ScanPositionProviderFactory:
    """GDA's factory of position providers."""

    @staticmethod
    def create(positions: Sequence[Any]) -> ScanPositionProvider:
        return _ListProvider(list(positions))

    @staticmethod
    def createFromRegion(*region: Any) -> ScanPositionProvider:  # noqa: N802
        """``createFromRegion(start, stop, step)`` or ``createFromRegion([[start, stop, step], ...])``:
        the points of each region in turn (regions are joined as given, a shared end point twice)."""
        if len(region) == 3:
            return _ListProvider(_region(*region))
        if len(region) != 1:
            raise TypeError("createFromRegion(start, stop, step) or createFromRegion([[start, stop, step], ...])")
        points: list[float] = []
        for r in region[0]:
            if len(r) != 3:
                raise ValueError(f"ScanPositionProviderFactory: region {r!r} is not [start, stop, step]")
            points += _region(*r)
        return _ListProvider(points)


def _expand(args: Sequence[Any]) -> list[Any]:
    """The scan arguments with position providers turned into the tuples of their positions."""
    return [tuple(a.get(i) for i in range(int(a.size()))) if is_position_provider(a) else a for a in args]


def _field_names(device: Any) -> list[str]:
    names = [str(n) for n in (*device.getInputNames(), *device.getExtraNames())]
    if not names and dev.is_detector(device):
        return [dev.name_of(device)]
    return names


class _DataWriter:
    """What gdascripts asks of a scan's data writer: the file the scan wrote."""

    def __init__(self, scan: "ScanBase") -> None:
        self._scan = scan

    def getCurrentFileName(self) -> str:  # noqa: N802
        result = self._scan.result
        if result is None:
            raise RuntimeError(f"{self._scan!r} has not been run: there is no data file yet")
        if result.file is None:
            raise RuntimeError(
                f"scan {result.scan_number} ({result.command}) wrote no data file: this session has no "
                "file writer (run scripts with gda-bridge run or in a Session)"
            )
        return result.file

    def getCurrentScanIdentifier(self) -> int | None:  # noqa: N802
        return self._scan.getScanNumber()


class ScanInformation:
    """GDA's summary of a scan: dimensions, number, file, scannable and detector names."""

    def __init__(self, scan: "ScanBase") -> None:
        self._scan = scan

    def getDimensions(self) -> list[int]:  # noqa: N802
        return self._scan.getDimensions()

    def getScanNumber(self) -> int | None:  # noqa: N802
        return self._scan.getScanNumber()

    def getFilename(self) -> str:  # noqa: N802
        return self._scan.getDataWriter().getCurrentFileName()

    def getScannableNames(self) -> list[str]:  # noqa: N802
        return [dev.name_of(s) for s in self._scan.getScannables()]

    def getDetectorNames(self) -> list[str]:  # noqa: N802
        return [dev.name_of(d) for d in self._scan.getDetectors()]


class ScanBase:
    """GDA's base of every scan: ``isinstance(scan, ScanBase)`` and the settings gdascripts sets.

    A subclass gives ``_run()``, returning the ScanResult of the scan it ran.
    """

    def __init__(self) -> None:
        self.result: Any = None
        self._plot_settings: Any = None
        self._queue_length = 0
        self._pool_size = 0

    def _run(self) -> Any:
        raise NotImplementedError

    def runScan(self) -> None:  # noqa: N802
        """Run the scan (a Ctrl-C or an abort raises ScanInterruptedException, as in GDA)."""
        self.result = None
        self._run()

    run = runScan

    # what the run gave -----------------------------------------------------------------------
    def getScanNumber(self) -> int | None:  # noqa: N802
        """The scan's number, or None before it has started."""
        return None if self.result is None else self.result.scan_number

    def getStatus(self) -> Any:  # noqa: N802
        """The final status (``ScanStatus.COMPLETED_OKAY``...), or None before the scan ended."""
        return None if self.result is None else self.result.status

    def wasScanExplicitlyHalted(self) -> bool:  # noqa: N802
        """True when the user asked the scan to finish early (GDA's meaning)."""
        return self.getStatus() is ScanStatus.COMPLETED_EARLY

    def getDataWriter(self) -> _DataWriter:  # noqa: N802
        return _DataWriter(self)

    def getScanInformation(self) -> ScanInformation:  # noqa: N802
        return ScanInformation(self)

    # settings gdascripts sets ------------------------------------------------------------------
    def getScanPlotSettings(self) -> Any:  # noqa: N802
        return self._plot_settings

    def setScanPlotSettings(self, settings: Any) -> None:  # noqa: N802
        self._plot_settings = settings

    def getScanDataPointQueueLength(self) -> int:  # noqa: N802
        return self._queue_length

    def setScanDataPointQueueLength(self, length: int) -> None:  # noqa: N802
        self._queue_length = int(length)

    def getPositionCallableThreadPoolSize(self) -> int:  # noqa: N802
        return self._pool_size

    def setPositionCallableThreadPoolSize(self, size: int) -> None:  # noqa: N802
        self._pool_size = int(size)

    def getChild(self) -> None:  # noqa: N802
        """GDA's nested child scan: our engine runs every dimension in one scan, so none."""
        return None


class ConcurrentScan(ScanBase):
    """``ConcurrentScan([x, 0, 10, 1, det, 0.1])``: the arguments of a ``scan`` command, checked
    when it is made (a bad argument fails here, as in GDA) and run by ``runScan()``."""

    command_name = "scan"

    def __init__(self, args: Sequence[Any]) -> None:
        super().__init__()
        self.args = _expand(list(args))
        if not self.args or not dev.is_scannable(self.args[0]):
            raise ValueError(f"ConcurrentScan: the first argument must be a scannable, not {self.args[:1]!r}")
        self.args = scan_arguments(self.args, self.command_name)
        self.command = command_text(self.command_name, self.args)
        self._plan = JavaScan(self.args, context().defaults, self.command)
        self._scannables_override: list[Any] | None = None

    def _run(self) -> Any:
        def run(*args: Any) -> Any:
            self.result = run_scan(args, command=self.command)
            return self.result

        return scan_command(run)(*self.args)

    # the scan's devices ------------------------------------------------------------------------
    def getUserListedScannables(self) -> list[Any]:  # noqa: N802
        """Every scannable and detector named in the arguments, in their order."""
        return [a for a in self.args if dev.is_scannable(a)]

    def getUserListedScannablesToScan(self) -> list[Any]:  # noqa: N802
        """The named scannables the scan moves along one of its dimensions."""
        scanned = {d.name for d in self._plan.devices if d.dimension >= 0 and not d.detector}
        return [a for a in self.getUserListedScannables() if dev.name_of(a) in scanned]

    def getAllScannables(self) -> list[Any]:  # noqa: N802
        """The scannables of the scan (default scannables included), not the detectors."""
        if self._scannables_override is not None:
            return list(self._scannables_override)
        return [d.device for d in self._plan.devices if not d.detector]

    getScannables = getAllScannables  # noqa: N815

    def setScannables(self, scannables: Sequence[Any]) -> None:  # noqa: N802
        self._scannables_override = list(scannables)

    def getDetectors(self) -> list[Any]:  # noqa: N802
        return [d.device for d in self._plan.devices if d.detector]

    def getDimensions(self) -> list[int]:  # noqa: N802
        return list(self._plan.dimensions)

    def getNumberOfChildScans(self) -> int:  # noqa: N802
        return len(self._plan.dimensions) - 1

    def getTotalNumberOfPoints(self) -> int:  # noqa: N802
        return math.prod(self._plan.dimensions)

    def numberOfScannablesThatCanProvidePositionCallables(self) -> int:  # noqa: N802
        return sum(1 for d in self._plan.devices if callable(getattr(d.device, "getPositionCallable", None)))

    def getCommand(self) -> str:  # noqa: N802
        return self.command

    def plot_fields(self) -> tuple[list[str], list[str]]:
        """(input fields of the scannables scanned, every field of every named device): what
        ScannableCommands.createScanPlotSettings indexes into."""
        to_change = [str(n) for s in self.getUserListedScannablesToScan() for n in s.getInputNames()]
        fields = [n for s in self.getUserListedScannables() for n in _field_names(s)]
        return to_change, fields

    def __repr__(self) -> str:
        return f"<ConcurrentScan {self.command!r}>"


__all__ = [
    "ConcurrentScan", "ScanBase", "ScanInformation", "ScanInterruptedException", "ScanPositionProvider",
    "ScanPositionProviderFactory",
]
__getattr__ = java_fallback(__name__)
