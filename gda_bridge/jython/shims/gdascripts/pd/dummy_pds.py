"""gdascripts.pd.dummy_pds: GDA's dummy scannables."""

from typing import Any

from gda_bridge.devices import ScannableMotionBase
from gda_bridge.scans.context import context


class SimplestPD(ScannableMotionBase):
    """Holds the value it is moved to, as given."""

    def __init__(self, name: str, position: Any) -> None:
        self.setName(name)
        self.setInputNames([name])
        self.X = position

    def isBusy(self) -> bool:
        return False

    def rawGetPosition(self) -> Any:
        return self.X

    def rawAsynchronousMoveTo(self, position: Any) -> None:
        self.X = position


class DummyPD(ScannableMotionBase):
    """A float, format %6.4f, level 3, starting at 0.0."""

    def __init__(self, name: str) -> None:
        self.setName(name)
        self.setInputNames([name])
        self.Units = ["Units"]
        self.setOutputFormat(["%6.4f"])
        self.setLevel(3)
        self.currentposition = 0.0

    def isBusy(self) -> bool:
        return False

    def rawAsynchronousMoveTo(self, position: Any) -> None:
        self.currentposition = float(position)

    def rawGetPosition(self) -> float:
        return self.currentposition


class MultiInputExtraFieldsDummyPD(ScannableMotionBase):
    """Several inputs (0.0 at first) and extra fields reading 100, 101, ...; a None in a move
    leaves that input where it is."""

    def __init__(self, name: str, inputNames: list[str], extraNames: list[str]) -> None:  # noqa: N803
        self.setName(name)
        self.setInputNames(inputNames)
        self.setExtraNames(extraNames)
        n = len(inputNames) + len(extraNames)
        self.Units = ["Units"] * n
        self.setOutputFormat(["%6.4f"] * n)
        self.setLevel(3)
        self.currentposition = [0.0] * len(inputNames)

    def isBusy(self) -> bool:
        return False

    def rawAsynchronousMoveTo(self, position: Any) -> None:
        values = [position] if isinstance(position, int | float) else list(position)
        if len(values) != len(self.currentposition):
            raise ValueError(f"{self.getName()}: wrong number of values in {position!r}")
        for i, v in enumerate(values):
            if v is not None:
                self.currentposition[i] = float(v)

    def rawGetPosition(self) -> list[float]:
        extras = [float(100 + i) for i in range(len(self.getExtraNames()))]
        return list(self.currentposition) + extras


class ZeroInputExtraFieldsDummyPD(ScannableMotionBase):
    """No fields at all; says so at the start of a scan."""

    def __init__(self, name: str) -> None:
        self.setName(name)
        self.setInputNames([])
        self.setOutputFormat([])

    def atScanStart(self) -> None:
        context().output("In atScanStart() method of zero input/extra dummy pd")

    def isBusy(self) -> bool:
        return False

    def rawAsynchronousMoveTo(self, position: Any) -> None:
        pass

    def rawGetPosition(self) -> None:
        return None
