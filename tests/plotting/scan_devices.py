"""Simulated detectors for plot tests: a counter peaked in two motors, a camera whose spot moves."""

from __future__ import annotations

import math

import numpy as np

from gda_bridge.devices.detector import DetectorBase


class Gaussian2D(DetectorBase):
    """Counts a 2-D Gaussian of two motors' positions."""

    def __init__(self, name, mx, my, cx, cy, width=0.6, peak=1000.0):
        super().__init__(name)
        self.outputFormat = ["%.2f"]
        self.mx, self.my, self.cx, self.cy, self.width, self.peak = mx, my, cx, cy, width, peak

    def counts_at(self, x, y):
        r2 = ((x - self.cx) ** 2 + (y - self.cy) ** 2) / self.width**2
        return self.peak * math.exp(-4 * math.log(2) * r2)

    def readout(self):
        return self.counts_at(float(self.mx.getPosition()), float(self.my.getPosition()))


class SpotCamera(DetectorBase):
    """A (NY, NX) uint16 frame with a bright spot at column ``motor position * SCALE``; its total
    follows the motor like a Gaussian (peak at ``centre``)."""

    NY, NX = 24, 32

    def __init__(self, name, motor, centre=1.0):
        super().__init__(name)
        self.motor, self.centre = motor, centre

    def getDataDimensions(self):
        return (self.NY, self.NX)

    def readout(self):
        x = float(self.motor.getPosition())
        frame = np.full((self.NY, self.NX), 10, dtype=np.uint16)
        col = int(round(x * 10)) % self.NX
        brightness = int(100 + 1000 * math.exp(-4 * math.log(2) * (x - self.centre) ** 2))
        frame[4:8, col : col + 2] = brightness
        return frame
