"""gdascripts.pd.pd_gaussian: an axis and a Gaussian signal that reads it."""

import math
import random
from typing import Any

from gda_bridge.devices import ScannableMotionBase


class GaussianX(ScannableMotionBase):
    """Holds the value it is moved to (0 at first)."""

    def __init__(self, name: str) -> None:
        self.setName(name)
        self.setInputNames([name])
        self.X = 0

    def rawIsBusy(self) -> bool:
        return False

    def rawGetPosition(self) -> Any:
        return self.X

    def rawAsynchronousMoveTo(self, position: Any) -> None:
        self.X = position


class GaussianY(ScannableMotionBase):
    """background + height * exp(-(x - centre)**2 / width), plus height * noise * U(-0.5, 0.5)."""

    def __init__(
        self, name: str, gaussianX: Any, centre: float, width: float, height: float | None,  # noqa: N803
        background: float, noise: float = 0,
    ) -> None:
        self.setName(name)
        self.setInputNames([name])
        self.gaussianX = gaussianX
        self.width = width
        self.height = height
        self.centre = centre
        self.background = background
        self.noise = noise

    def rawIsBusy(self) -> bool:
        return False

    def rawGetPosition(self) -> float:
        x = float(self.gaussianX.getPosition())
        if self.height is None:
            return self.background + x
        value = self.background + self.height * math.exp(-((x - self.centre) ** 2) / self.width)
        return value + self.height * self.noise * (0.5 - random.random())

    def rawAsynchronousMoveTo(self, position: Any) -> None:
        pass


class EdgeY(GaussianY):
    """The running sum of a Gaussian (an edge), restarted at every scan line."""

    def __init__(
        self, name: str, gaussianX: Any, centre: float, width: float, height: float,  # noqa: N803
        background: float, noise: float = 0,
    ) -> None:
        self.setName(name)
        self.setInputNames([name])
        self.cur_position = background
        self.reset = background
        self.gauss = GaussianY(name + "_gauss", gaussianX, centre, width, height, 0, noise)

    def rawGetPosition(self) -> float:
        self.cur_position += self.gauss.getPosition()
        return self.cur_position

    def atScanLineStart(self) -> None:
        self.cur_position = self.reset
