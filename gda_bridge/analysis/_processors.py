"""GDA's 1-D dataset processors: each takes the scanned x and a detector's y and returns named values.

A processor never raises on bad data: its ``Outcome`` then carries the message a user reads
("There is no peak") and no values, as GDA's XYDataSetProcessor does.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from gda_bridge.analysis._fitting import FitCurve, NoFeature, edge_slope, fit_edge, fit_peak

log = logging.getLogger("gda_bridge.analysis")


@dataclass(frozen=True)
class Outcome:
    """What one processor found. ``values`` is ``None`` when it found nothing (see ``message``);
    ``keyx`` names the value that is a position on the x axis (where ``go`` moves to)."""

    processor: str
    labels: tuple[str, ...]
    keyx: str
    values: dict[str, float] | None
    message: str | None = None
    fit: FitCurve | None = None
    method: str = ""

    @property
    def ok(self) -> bool:
        return self.values is not None

    @property
    def position(self) -> float | None:
        return None if self.values is None else self.values[self.keyx]


class XYProcessor:
    """Base of the processors: subclasses set ``labels``/``keyx``/``method`` and implement
    ``_compute``, raising ``NoFeature`` (or ``ValueError``) with a user-facing message."""

    labels: tuple[str, ...] = ()
    keyx: str = ""
    method: str = ""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r})"

    def _compute(self, x: np.ndarray, y: np.ndarray) -> tuple[dict[str, float], FitCurve | None]:
        raise NotImplementedError

    def process(self, x: np.ndarray, y: np.ndarray) -> Outcome:
        x = np.asarray(x, dtype=float)
        y = np.asarray(y, dtype=float)
        try:
            if x.shape != y.shape or x.ndim != 1:
                raise ValueError(f"x and y must be 1-D of one length, not {x.shape} and {y.shape}")
            keep = np.isfinite(x) & np.isfinite(y)
            if not keep.all():
                x, y = x[keep], y[keep]
            if y.size == 0:
                raise ValueError("No finite data points")
            values, fit = self._compute(x, y)
        except (NoFeature, ValueError) as e:
            log.debug("%s: %s", self.name, e)
            return Outcome(self.name, self.labels, self.keyx, None, str(e), None, self.method)
        return Outcome(self.name, self.labels, self.keyx, values, None, fit, self.method)


class MaxPositionAndValue(XYProcessor):
    labels = ("maxpos", "maxval")
    keyx = "maxpos"
    method = "position of the largest value"

    def _compute(self, x, y):
        i = int(np.argmax(y))
        return {"maxpos": float(x[i]), "maxval": float(y[i])}, None


class MinPositionAndValue(XYProcessor):
    labels = ("minpos", "minval")
    keyx = "minpos"
    method = "position of the smallest value"

    def _compute(self, x, y):
        i = int(np.argmin(y))
        return {"minpos": float(x[i]), "minval": float(y[i])}, None


class CentreOfMass(XYProcessor):
    """The y-weighted mean of x and the y-weighted standard deviation about it (raw y, no
    background subtraction, as GDA)."""

    labels = ("com", "stddev")
    keyx = "com"
    method = "centroid sum(x*y)/sum(y) and weighted standard deviation"

    def _compute(self, x, y):
        total = float(y.sum())
        if total == 0.0:
            raise ValueError("The centre of mass is undefined (the data sum to zero)")
        com = float((x * y).sum() / total)
        variance = float(((x - com) ** 2 * y).sum() / total)
        if variance < 0.0:
            raise ValueError("The centre of mass is undefined (the data change sign)")
        return {"com": com, "stddev": float(np.sqrt(variance))}, None


class GaussianPeakAndBackground(XYProcessor):
    """A Gaussian on a constant background; the better of a positive and a negative peak.
    ``top`` is the height above ``offset`` (negative for a dip); ``residual`` the sum of squares."""

    labels = ("pos", "offset", "top", "fwhm", "residual")
    keyx = "pos"
    method = "Gaussian + constant, least squares (scipy.optimize.curve_fit), best of +/- peak"

    def _compute(self, x, y):
        fit = fit_peak(x, y)
        values = {
            "pos": fit.pos,
            "offset": fit.offset,
            "top": fit.height,
            "fwhm": fit.fwhm,
            "residual": fit.residual,
        }
        return values, fit.curve


class GaussianEdge(XYProcessor):
    """A step blurred by a Gaussian (an error function) on a constant: ``pos`` is the steepest
    point, ``slope`` the slope there, ``fwhm`` the width of the blur (of the derivative)."""

    labels = ("pos", "slope", "fwhm", "residual")
    keyx = "pos"
    method = "error-function step + constant, least squares (scipy.optimize.curve_fit)"

    def _compute(self, x, y):
        fit = fit_edge(x, y)
        values = {"pos": fit.pos, "slope": edge_slope(fit), "fwhm": fit.fwhm, "residual": fit.residual}
        return values, fit.curve


class FullWidthHalfMaximum(XYProcessor):
    """Half-maximum crossings either side of the highest point (the lowest, for a dip), linearly
    interpolated; ``cen`` is their midpoint. ``base`` is the 10th percentile of the data (the 90th
    for a dip) and ``height`` the extreme value's distance from it."""

    labels = ("cen", "fwhm", "height", "base")
    keyx = "cen"
    method = "half-maximum crossings, linear interpolation"

    def _compute(self, x, y):
        if np.ptp(y) == 0.0:
            raise NoFeature("There is no peak")
        order = np.argsort(x, kind="stable")
        xs, ys = x[order], y[order]
        median = float(np.median(ys))
        sign = 1.0 if ys.max() - median >= median - ys.min() else -1.0
        s = sign * ys
        base = float(np.percentile(s, 10))
        i = int(np.argmax(s))
        half = base + (s[i] - base) / 2.0
        j = i
        while j > 0 and s[j] > half:
            j -= 1
        k = i
        while k < s.size - 1 and s[k] > half:
            k += 1
        if s[j] > half or s[k] > half:
            side = "left" if s[j] > half else "right"
            raise NoFeature(f"The peak is cut off: no half-maximum crossing on its {side}")
        left = float(np.interp(half, [s[j], s[j + 1]], [xs[j], xs[j + 1]]))
        right = float(np.interp(half, [s[k], s[k - 1]], [xs[k], xs[k - 1]]))
        values = {
            "cen": (left + right) / 2.0,
            "fwhm": right - left,
            "height": sign * (s[i] - base),
            "base": sign * base,
        }
        return values, None


PROCESSORS: dict[str, type[XYProcessor]] = {
    "maxval": MaxPositionAndValue,
    "minval": MinPositionAndValue,
    "com": CentreOfMass,
    "peak": GaussianPeakAndBackground,
    "edge": GaussianEdge,
    "fwhm": FullWidthHalfMaximum,
}
"""The processors by the name their results are bound to in the namespace."""

DEFAULT_PROCESSORS: tuple[str, ...] = ("maxval", "minval", "com", "peak")
"""What GDA's installStandardScansWithProcessing runs after every scan."""


def make_processors(names: Iterable[str]) -> list[XYProcessor]:
    """Processors for ``names`` (keys of ``PROCESSORS``); an unknown name is a ValueError."""
    out = []
    for name in names:
        try:
            out.append(PROCESSORS[name](name))
        except KeyError:
            raise ValueError(f"unknown processor {name!r}; choose from {', '.join(PROCESSORS)}") from None
    return out
