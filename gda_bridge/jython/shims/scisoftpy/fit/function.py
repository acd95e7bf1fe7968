"""The standard fit functions of ``scisoftpy.fit.function``, with scisoftpy's parameter order.

offset, constant -- a
linear     -- a*x + b: [a, b]
quadratic  -- [a, b, c];  cubic -- [a, b, c, d]
gaussian   -- [position, FWHM, area]
lorentzian -- [position, FWHM, area]
pvoigt     -- pseudo-Voigt: [position, Gaussian FWHM, Lorentzian FWHM, area, mixing]
              (mixing is the Lorentzian fraction, 0..1)
pearson7   -- Pearson VII: [position, FWHM, mixing (the exponent m), area]
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
from scipy.special import gamma

_SIGMA_PER_FWHM = 1.0 / (2.0 * math.sqrt(2.0 * math.log(2.0)))


class FitFunction:
    """A function of ``x`` and ``nparams`` parameters. Called with parameter values it gives a
    function with those values (``gaussian(1.0, 0.5, 10).calculateValues(x)``)."""

    def __init__(self, name: str, parameter_names: tuple[str, ...], evaluate: Callable[..., np.ndarray]) -> None:
        self.name = name
        self.parameter_names = parameter_names
        self.nparams = len(parameter_names)
        self._evaluate = evaluate

    def evaluate(self, x: Any, *params: float) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        return np.broadcast_to(self._evaluate(x, *params), x.shape).astype(float)

    def __call__(self, *params: float) -> BoundFunction:
        if len(params) != self.nparams:
            raise ValueError(f"{self.name} takes {self.nparams} parameters {list(self.parameter_names)}, "
                             f"got {len(params)}")
        return BoundFunction(self, [float(p) for p in params])

    def __repr__(self) -> str:
        return f"<fit function {self.name}({', '.join(self.parameter_names)})>"


class BoundFunction:
    def __init__(self, function: FitFunction, parameters: list[float]) -> None:
        self.function = function
        self.name = function.name
        self.parameters = parameters

    def getParameterValues(self) -> list[float]:
        return list(self.parameters)

    def calculateValues(self, x: Any) -> np.ndarray:
        return self.function.evaluate(x, *self.parameters)

    makeDataset = calculateValues


def _gaussian(x: np.ndarray, posn: float, fwhm: float, area: float) -> np.ndarray:
    sigma = abs(fwhm) * _SIGMA_PER_FWHM
    if sigma == 0:
        return np.zeros_like(x)
    return area / (sigma * math.sqrt(2 * math.pi)) * np.exp(-0.5 * ((x - posn) / sigma) ** 2)


def _lorentzian(x: np.ndarray, posn: float, fwhm: float, area: float) -> np.ndarray:
    half = abs(fwhm) / 2
    if half == 0:
        return np.zeros_like(x)
    return area / math.pi * half / ((x - posn) ** 2 + half**2)


def _pvoigt(x: np.ndarray, posn: float, g_fwhm: float, l_fwhm: float, area: float, mix: float) -> np.ndarray:
    return mix * _lorentzian(x, posn, l_fwhm, area) + (1 - mix) * _gaussian(x, posn, g_fwhm, area)


def _pearson7(x: np.ndarray, posn: float, fwhm: float, m: float, area: float) -> np.ndarray:
    w = abs(fwhm)
    if w == 0 or m <= 0.5:
        return np.zeros_like(x)
    k = 2 ** (1 / m) - 1
    norm = 2 * gamma(m) * math.sqrt(k) / (math.sqrt(math.pi) * gamma(m - 0.5) * w)
    return area * norm * (1 + 4 * k * ((x - posn) / w) ** 2) ** (-m)


offset = FitFunction("offset", ("a",), lambda x, a: np.full_like(x, a))
constant = offset
linear = FitFunction("linear", ("a", "b"), lambda x, a, b: a * x + b)
quadratic = FitFunction("quadratic", ("a", "b", "c"), lambda x, a, b, c: (a * x + b) * x + c)
cubic = FitFunction("cubic", ("a", "b", "c", "d"), lambda x, a, b, c, d: ((a * x + b) * x + c) * x + d)
gaussian = FitFunction("gaussian", ("position", "fwhm", "area"), _gaussian)
lorentzian = FitFunction("lorentzian", ("position", "fwhm", "area"), _lorentzian)
pvoigt = FitFunction("pvoigt", ("position", "gaussian_fwhm", "lorentzian_fwhm", "area", "mixing"), _pvoigt)
pearson7 = FitFunction("pearson7", ("position", "fwhm", "mixing", "area"), _pearson7)


def nparams(function: FitFunction) -> int:
    """Number of parameters the function takes."""
    return function.nparams


def __getattr__(name: str) -> Any:
    if name.startswith("__"):
        raise AttributeError(name)
    raise AttributeError(
        f"scisoftpy.fit.function.{name} is not provided by gda-bridge; available: offset, constant, linear, "
        "quadratic, cubic, gaussian, lorentzian, pvoigt, pearson7 (or pass a Python function)"
    )
