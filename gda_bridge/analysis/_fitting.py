"""Least-squares fits of a Gaussian peak and of an error-function step, each on a constant background.

A fit is only accepted when it explains the data significantly better than a straight line (an F-test)
and its centre lies inside the scanned range, so that noise or a flat line never yields a "peak".
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

FWHM_PER_SIGMA = 2.0 * math.sqrt(2.0 * math.log(2.0))
_SIGNIFICANCE = 1e-6  # p-value a fit must beat against "the data are a constant"
_MIN_SNR = 4.0  # smallest feature height accepted, in units of the scatter about the fit
_MIN_POINTS = 5  # four parameters plus at least one degree of freedom


class NoFeature(ValueError):
    """The data hold no peak (or edge) that a fit can find; the message says why, for the user."""


@dataclass(frozen=True)
class FitCurve:
    """A fitted model that can be drawn: ``kind`` is ``"gaussian"`` or ``"erf"``.

    ``params`` are (pos, fwhm, height, offset); for an edge ``height`` is the step from the low-x
    plateau to the high-x one, and ``fwhm`` is that of the step's derivative.
    """

    kind: str
    params: tuple[float, float, float, float]

    def __call__(self, x: np.ndarray) -> np.ndarray:
        model = gaussian if self.kind == "gaussian" else erf_step
        return model(np.asarray(x, dtype=float), *self.params)


@dataclass(frozen=True)
class FitResult:
    curve: FitCurve
    residual: float  # sum of squared residuals

    @property
    def pos(self) -> float:
        return self.curve.params[0]

    @property
    def fwhm(self) -> float:
        return self.curve.params[1]

    @property
    def height(self) -> float:
        return self.curve.params[2]

    @property
    def offset(self) -> float:
        return self.curve.params[3]


def gaussian(x: np.ndarray, pos: float, fwhm: float, height: float, offset: float) -> np.ndarray:
    return offset + height * np.exp(-4.0 * math.log(2.0) * ((x - pos) / fwhm) ** 2)


def _gaussian_jac(x: np.ndarray, pos: float, fwhm: float, height: float, offset: float) -> np.ndarray:
    k = 4.0 * math.log(2.0)
    u = (x - pos) / fwhm
    e = np.exp(-k * u**2)
    return np.column_stack(
        [height * e * 2.0 * k * u / fwhm, height * e * 2.0 * k * u**2 / fwhm, e, np.ones_like(x)]
    )


def _erf_jac(x: np.ndarray, pos: float, fwhm: float, height: float, offset: float) -> np.ndarray:
    from scipy.special import erf

    sigma = fwhm / FWHM_PER_SIGMA
    z = (x - pos) / (math.sqrt(2.0) * sigma)
    bump = height * np.exp(-(z**2)) / (math.sqrt(2.0 * math.pi) * sigma)
    return np.column_stack([-bump, -bump * (x - pos) / fwhm, 0.5 * (1.0 + erf(z)), np.ones_like(x)])


def erf_step(x: np.ndarray, pos: float, fwhm: float, height: float, offset: float) -> np.ndarray:
    from scipy.special import erf

    sigma = fwhm / FWHM_PER_SIGMA
    return offset + 0.5 * height * (1.0 + erf((x - pos) / (math.sqrt(2.0) * sigma)))


def _sorted(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    order = np.argsort(x, kind="stable")
    return x[order], y[order]


def _smooth(y: np.ndarray) -> np.ndarray:
    """A 3-point running mean (ends kept), to steady the initial guesses against noise."""
    if y.size < 3:
        return y.copy()
    out = y.copy()
    out[1:-1] = (y[:-2] + y[1:-1] + y[2:]) / 3.0
    return out


def _step(xs: np.ndarray) -> float:
    d = np.diff(np.unique(xs))
    return float(np.median(d)) if d.size else 1.0


def _half_width(xs: np.ndarray, ys: np.ndarray, i: int, base: float) -> float:
    """Width between the half-height points either side of index ``i`` (0 when not found)."""
    half = base + (ys[i] - base) / 2.0
    left = i
    while left > 0 and ys[left] > half:
        left -= 1
    right = i
    while right < ys.size - 1 and ys[right] > half:
        right += 1
    return float(xs[right] - xs[left])


def _significant(xs: np.ndarray, ys: np.ndarray, fit: FitResult) -> bool:
    """Whether the fit explains the data clearly better than a straight line (an F-test), with a
    feature at least ``_MIN_SNR`` times the scatter of the data about the fit."""
    from scipy.stats import f as f_dist

    n = ys.size
    line = np.polyval(np.polyfit(xs, ys, 1), xs)
    ss_line = float(np.sum((ys - line) ** 2))
    if ss_line <= 0.0 or fit.residual >= ss_line:
        return False
    if fit.residual <= ss_line * 1e-12:
        return True
    noise = math.sqrt(fit.residual / (n - 4))
    if abs(fit.height) < _MIN_SNR * noise:
        return False
    stat = ((ss_line - fit.residual) / 2.0) / (fit.residual / (n - 4))
    return bool(f_dist.sf(stat, 2, n - 4) < _SIGNIFICANCE)


def _inside(pos: float, xs: np.ndarray) -> bool:
    margin = 1e-6 * float(xs[-1] - xs[0])
    return bool(xs[0] + margin < pos < xs[-1] - margin)


def _fit(model, xs, ys, p0, lower, upper) -> FitResult | None:
    from scipy.optimize import curve_fit

    p0 = np.clip(p0, lower, upper)
    try:
        params, _ = curve_fit(
            model,
            xs,
            ys,
            p0=p0,
            bounds=(lower, upper),
            method="trf",
            jac=_JACOBIANS[model],
            max_nfev=400,
            ftol=1e-6,
            xtol=1e-6,
        )
    except (RuntimeError, ValueError):
        return None
    residual = float(np.sum((ys - model(xs, *params)) ** 2))
    if not np.isfinite(residual):
        return None
    if residual <= _rounding_noise(ys):
        residual = 0.0  # an exact fit: what is left is the platform's rounding, not the data
    kind = "gaussian" if model is gaussian else "erf"
    return FitResult(FitCurve(kind, tuple(float(p) for p in params)), residual)


_JACOBIANS = {gaussian: _gaussian_jac, erf_step: _erf_jac}


def _rounding_noise(ys: np.ndarray) -> float:
    """The sum of squares below which a fit is exact: 1e-10 of the data's rms per point, far below
    any measurement, where what remains depends on the platform's rounding and the optimiser's
    path (1e-27 on one machine, 1e-22 on another), so a perfect fit reports 0 everywhere."""
    return 1e-20 * float(np.sum(np.square(ys)))


def _check_input(x: np.ndarray, y: np.ndarray, what: str) -> tuple[np.ndarray, np.ndarray]:
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    keep = np.isfinite(x) & np.isfinite(y)
    x, y = x[keep], y[keep]
    if y.size == 0 or np.ptp(y) == 0.0 or np.ptp(x) == 0.0:
        raise NoFeature(f"There is no {what.split()[-1]}")
    if y.size < _MIN_POINTS:
        raise NoFeature(f"Too few points to fit {what} ({y.size} < {_MIN_POINTS})")
    return _sorted(x, y)


def fit_peak(x: np.ndarray, y: np.ndarray) -> FitResult:
    """Fit a Gaussian plus constant, trying both a positive and a negative peak; keep the better.

    Raises ``NoFeature("There is no peak")`` when neither fit is significant or centred inside.
    """
    xs, ys = _check_input(x, y, "a peak")
    step = _step(xs)
    span = float(xs[-1] - xs[0])
    yptp = float(np.ptp(ys))
    sm = _smooth(ys)
    fits = []
    for sign in (1.0, -1.0):
        s = sign * sm
        base = float(np.percentile(s, 10))
        i = int(np.argmax(s))
        width = _half_width(xs, s, i, base) or span / 4.0
        width = min(max(width, step), span)
        p0 = np.array([xs[i], width, sign * (s[i] - base), sign * base])
        hmin, hmax = (0.0, 4.0 * yptp) if sign > 0 else (-4.0 * yptp, 0.0)
        lower = np.array([xs[0], 0.5 * step, hmin, ys.min() - yptp])
        upper = np.array([xs[-1], 2.0 * span, hmax, ys.max() + yptp])
        fit = _fit(gaussian, xs, ys, p0, lower, upper)
        if fit is not None:
            fits.append(fit)
    if not fits:
        raise NoFeature("There is no peak (the fit did not converge)")
    best = min(fits, key=lambda f: f.residual)
    if not _significant(xs, ys, best) or not _inside(best.pos, xs):
        raise NoFeature("There is no peak")
    return best


def fit_edge(x: np.ndarray, y: np.ndarray) -> FitResult:
    """Fit an error-function step plus constant (rising or falling), for knife-edge scans.

    The result's ``pos`` is the steepest point, ``fwhm`` the width of the derivative.
    """
    xs, ys = _check_input(x, y, "an edge")
    step = _step(xs)
    span = float(xs[-1] - xs[0])
    yptp = float(np.ptp(ys))
    sm = _smooth(ys)
    k = max(1, min(3, ys.size // 4))
    low, high = float(sm[:k].mean()), float(sm[-k:].mean())
    deriv = np.abs(np.gradient(sm, xs)) if np.all(np.diff(xs) > 0) else np.abs(np.diff(sm, prepend=sm[0]))
    i = int(np.argmax(deriv))
    width = _half_width(xs, deriv, i, 0.0) or span / 10.0
    width = min(max(width, step), span)
    p0 = np.array([xs[i], width, high - low, low])
    lower = np.array([xs[0], 0.1 * step, -4.0 * yptp, ys.min() - 2 * yptp])
    upper = np.array([xs[-1], 2.0 * span, 4.0 * yptp, ys.max() + 2 * yptp])
    fit = _fit(erf_step, xs, ys, p0, lower, upper)
    if fit is None:
        raise NoFeature("There is no edge (the fit did not converge)")
    if not _significant(xs, ys, fit) or not _inside(fit.pos, xs):
        raise NoFeature("There is no edge")
    return fit


def edge_slope(fit: FitResult) -> float:
    """The steepest slope of a fitted step (signed: negative for a falling edge)."""
    sigma = fit.fwhm / FWHM_PER_SIGMA
    return fit.height / (sigma * math.sqrt(2.0 * math.pi))
