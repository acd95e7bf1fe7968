"""Devices written the way legacy GDA scripts write them, shared by several tests."""

from __future__ import annotations

from gda_bridge.devices import ScannableMotionBase


class Temperature(ScannableMotionBase):
    """Never calls the base __init__, sets bean properties as attributes (GDA's dummy_pds style)."""

    def __init__(self, name):
        self.name = name
        self.inputNames = [name]
        self.outputFormat = ["%5.2f"]
        self.level = 3
        self._t = 20.0

    def rawGetPosition(self):
        return self._t

    def rawAsynchronousMoveTo(self, t):
        self._t = float(t)

    def isBusy(self):
        return False
