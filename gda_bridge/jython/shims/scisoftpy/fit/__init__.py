"""``dnp.fit.fit``: scisoftpy's least-squares fit of a sum of functions, done with scipy.

``fit([function.gaussian, function.offset], x, y, [posn, fwhm, area, c], bounds=[...])`` returns
a ``FitResult`` with ``parameters``, ``errors`` (one standard deviation, from the covariance at
the solution), ``residual`` (sum of squared differences), ``area``, ``[i]``, ``len()``, ``plot()``.
A function is one of ``function``'s or a Python function ``f(p1, ..., pn, coords, *args)`` whose
``coords`` is the list of coordinate arrays.
"""

from __future__ import annotations

import inspect
import logging
import time
from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy import optimize

from . import function
from .function import FitFunction

log = logging.getLogger("gda_bridge.jython")

LOCAL_OPTIMIZERS = ("local", "simplex", "gradient", "apache_nm", "apache_md", "apache_cg")
GLOBAL_OPTIMIZERS = ("global", "genetic")
ALL_OPTIMIZERS = LOCAL_OPTIMIZERS + GLOBAL_OPTIMIZERS


class _Part:
    """One function of the fit and where its parameters are in the flat parameter list."""

    def __init__(self, func: Any, first: int, args: Any) -> None:
        self.first = first
        self.args = args
        if isinstance(func, FitFunction):
            self.name, self.nparams, self._call = func.name, func.nparams, func.evaluate
            self._python = False
        elif callable(func):
            spec = inspect.getfullargspec(func)
            n = len(spec.args) - 1
            if n < 1:
                raise ValueError(f"fit function {func.__name__} needs at least one parameter before its coordinates")
            self.name, self.nparams, self._call = func.__name__, n, func
            self._python = True
            self._varargs = spec.varargs is not None
        else:
            raise TypeError(f"cannot fit with {func!r}: give a scisoftpy.fit.function or a Python function")

    def values(self, coords: list[np.ndarray], params: Sequence[float]) -> np.ndarray:
        p = list(params[self.first : self.first + self.nparams])
        if not self._python:
            return self._call(coords[0], *p)
        extra = [self.args] if self._varargs and self.args is not None else []
        return np.asarray(self._call(*p, coords, *extra), dtype=float)


class FitResult:
    """What ``fit`` found."""

    def __init__(self, parts: list[_Part], coords: list[np.ndarray], data: np.ndarray, params: np.ndarray,
                 errors: np.ndarray, bounds: list[tuple[float | None, float | None]], weight: Any) -> None:
        self.parts = parts
        self.coords = coords
        self.data = data
        self.parameters = params
        self.errors = errors
        self.parameter_bnds = bounds
        self._weight = weight

    def _values(self) -> np.ndarray:
        return np.sum([p.values(self.coords, self.parameters) for p in self.parts], axis=0)

    @property
    def residual(self) -> float:
        d = np.square(self._values() - self.data)
        if self._weight is not None:
            d = d * self._weight
        return float(np.sum(d))

    @property
    def area(self) -> float:
        """Area under the fitted function, assuming evenly spaced coordinates."""
        x = self.coords[0]
        delta = float(np.ptp(x)) / x.size if x.size else 0.0
        return float(np.sum(self._values())) * delta

    def __getitem__(self, i: int) -> float:
        return float(self.parameters[i])

    def __len__(self) -> int:
        return len(self.parameters)

    def makefuncdata(self) -> list[np.ndarray]:
        """The fitted function, then each of its parts when there are several."""
        parts = [p.values(self.coords, self.parameters) for p in self.parts]
        return [np.sum(parts, axis=0), *parts] if len(parts) > 1 else parts

    def makeplotdata(self) -> list[np.ndarray]:
        """Data, fit, the error (data - fit, shifted below the data) and its zero line."""
        funcs = self.makefuncdata()
        shift = self.data.min() - (self.data.max() - self.data.min()) / 5.0
        error = self.data - funcs[0] + shift
        return [self.data, funcs[0], error, np.full_like(error, shift), *funcs[1:]]

    def plot(self, name: str | None = None) -> None:
        from .. import plot

        plot.line(self.coords[0], self.makeplotdata(), name=name)

    def __str__(self) -> str:
        lines = ["Fit parameters:"]
        for n, part in enumerate(self.parts):
            values = [float(v) for v in self.parameters[part.first : part.first + part.nparams]]
            lines.append(f"    function '{part.name}' ({n}) has {part.nparams} parameters = {values}")
        lines.append(f"Residual: {self.residual:g}")
        return "\n".join(lines) + "\n"


def fit(func: Any, coords: Any, data: Any, p0: Any, bounds: Any = (), args: Any = None, weight: Any = None,
        ptol: float = 1e-4, seed: int | None = None, optimizer: str = "apache_nm") -> FitResult:
    """Fit the sum of ``func`` (one function or a list) to ``data`` at ``coords``, from the
    initial parameters ``p0`` (all functions' parameters in order), within ``bounds`` (one
    ``(lower, upper)`` per parameter, either may be None)."""
    if optimizer not in ALL_OPTIMIZERS:
        raise ValueError(f"optimizer {optimizer!r} is not one of {', '.join(ALL_OPTIMIZERS)}")
    funcs = list(func) if isinstance(func, list | tuple) else [func]
    parts, n = [], 0
    for f in funcs:
        part = _Part(f[0] if isinstance(f, tuple) else f, n, args)
        parts.append(part)
        n += part.nparams
    p0 = [float(v) for v in (p0 if isinstance(p0, list | tuple | np.ndarray) else [p0])]
    if len(p0) != n:
        names = ", ".join(f"{p.name} ({p.nparams})" for p in parts)
        raise ValueError(f"fit needs {n} initial parameters for {names}, got {len(p0)}")
    data = np.asarray(data, dtype=float)
    coords = [np.asarray(c, dtype=float) for c in (coords if isinstance(coords, list | tuple) else [coords])]
    if any(c.shape != data.shape for c in coords):
        raise ValueError(f"coordinates of shape {[c.shape for c in coords]} do not match the data's {data.shape}")
    bnds = _bounds(bounds, n)
    w = None if weight is None else np.asarray(weight, dtype=float)

    def residuals(p: np.ndarray) -> np.ndarray:
        r = np.sum([part.values(coords, p) for part in parts], axis=0) - data
        return (r * np.sqrt(w) if w is not None else r).ravel()

    began = time.perf_counter()
    lower = np.array([-np.inf if lo is None else lo for lo, _ in bnds])
    upper = np.array([np.inf if hi is None else hi for _, hi in bnds])
    start = np.clip(p0, lower, upper)
    if optimizer in GLOBAL_OPTIMIZERS:
        if not (np.isfinite(lower).all() and np.isfinite(upper).all()):
            raise ValueError(f"the {optimizer} optimizer needs a lower and an upper bound for every parameter")
        found = optimize.differential_evolution(lambda p: float(np.sum(residuals(p) ** 2)),
                                                list(zip(lower, upper, strict=True)), seed=seed, tol=ptol)
        start = found.x
    result = optimize.least_squares(residuals, start, bounds=(lower, upper), xtol=ptol * 1e-4)
    if result.status <= 0:
        raise RuntimeError(f"fit did not converge: {result.message}")
    log.debug("fit took %.3fs", time.perf_counter() - began)
    return FitResult(parts, coords, data, result.x, _errors(result, data.size), bnds, w)


def _bounds(bounds: Any, n: int) -> list[tuple[float | None, float | None]]:
    given = list(bounds) if isinstance(bounds, list | tuple) else [bounds]
    if given and not isinstance(given[0], list | tuple | type(None)):
        given = [tuple(given)]  # one (lower, upper) pair
    if len(given) > n:
        raise ValueError(f"{len(given)} bounds given for {n} parameters")
    out: list[tuple[float | None, float | None]] = []
    for b in given + [None] * (n - len(given)):
        if b is None:
            out.append((None, None))
            continue
        lo = b[0] if len(b) > 0 else None
        hi = b[1] if len(b) > 1 else None
        if lo is not None and hi is not None and lo > hi:
            raise ValueError(f"bound ({lo}, {hi}): the lower bound is above the upper one")
        out.append((lo, hi))
    return out


def _errors(result: optimize.OptimizeResult, m: int) -> np.ndarray:
    n = result.x.size
    if m <= n:
        return np.full(n, np.nan)
    jac = result.jac
    s2 = 2 * result.cost / (m - n)
    try:
        cov = np.linalg.inv(jac.T @ jac) * s2
    except np.linalg.LinAlgError:
        cov = np.linalg.pinv(jac.T @ jac) * s2
    return np.sqrt(np.clip(np.diag(cov), 0, None))


__all__ = ["ALL_OPTIMIZERS", "FitResult", "fit", "function"]
