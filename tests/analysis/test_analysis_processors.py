"""The processors against synthetic data of known truth, with noise."""

import numpy as np
import pytest
from analysis_docs import gaussian, noisy, step

from gda_bridge.analysis import (
    CentreOfMass,
    FullWidthHalfMaximum,
    GaussianEdge,
    GaussianPeakAndBackground,
    MaxPositionAndValue,
    MinPositionAndValue,
    make_processors,
)

X = np.arange(-2.0, 2.0 + 1e-9, 0.05)  # 81 points, step 0.05
SEEDS = range(8)

PEAKS = {
    # name: (pos, fwhm, height, offset), tolerance on pos, relative tolerance on fwhm and height
    "positive": ((1.3, 0.8, 1000.0, 3.0), 0.02, 0.06),
    "negative": ((-0.5, 0.6, -500.0, 800.0), 0.03, 0.10),
    "narrow": ((0.2, 0.12, 300.0, 10.0), 0.02, 0.15),
    "wide": ((0.1, 2.5, 200.0, 50.0), 0.08, 0.20),
    "near the upper edge": ((1.85, 0.5, 400.0, 20.0), 0.04, 0.12),
    "near the lower edge": ((-1.9, 0.4, 400.0, 20.0), 0.04, 0.15),
}


@pytest.mark.parametrize("case", PEAKS)
def test_peak_recovers_a_noisy_gaussian(case):
    (pos, fwhm, height, offset), dpos, rel = PEAKS[case]
    peak = GaussianPeakAndBackground("peak")
    for seed in SEEDS:
        out = peak.process(X, noisy(gaussian(X, pos, fwhm, height, offset), seed))
        assert out.ok, f"{case} seed {seed}: {out.message}"
        v = out.values
        assert abs(v["pos"] - pos) < dpos, (seed, v)
        assert abs(v["fwhm"] / fwhm - 1) < rel, (seed, v)
        assert abs(v["top"] / height - 1) < rel, (seed, v)
        assert np.sign(v["top"]) == np.sign(height)
        assert v["residual"] > 0


def test_peak_on_noiseless_data_is_exact_and_order_of_x_does_not_matter():
    y = gaussian(X, 0.37, 0.5, 120.0, 7.0)
    for xs, ys in ((X, y), (X[::-1], y[::-1])):
        v = GaussianPeakAndBackground("peak").process(xs, ys).values
        assert v["pos"] == pytest.approx(0.37, abs=1e-6)
        assert v["fwhm"] == pytest.approx(0.5, rel=1e-5)
        assert v["top"] == pytest.approx(120.0, rel=1e-5)
        assert v["offset"] == pytest.approx(7.0, abs=1e-4)


@pytest.mark.parametrize(
    "y",
    [
        np.full(X.size, 42.0),
        noisy(np.full(X.size, 100.0), 1),
        noisy(np.full(X.size, 100.0), 2, scale=3.0),
        np.random.default_rng(3).poisson(5, X.size).astype(float),
        noisy(100.0 + 20.0 * X, 4),  # a slope is not a peak
    ],
    ids=["constant", "noise", "more noise", "poisson", "slope"],
)
def test_flat_or_noise_only_data_has_no_peak(y):
    out = GaussianPeakAndBackground("peak").process(X, y)
    assert not out.ok
    assert out.message.startswith("There is no peak")
    assert out.fit is None


def test_no_false_peaks_over_many_noise_samples():
    peak = GaussianPeakAndBackground("peak")
    found = [s for s in range(30) if peak.process(X, noisy(np.full(X.size, 200.0), 100 + s)).ok]
    assert found == []


@pytest.mark.parametrize(
    "truth",
    [(0.3, 0.2, 1000.0, 10.0), (-1.0, 0.4, -800.0, 900.0), (1.2, 0.1, 500.0, 5.0)],
    ids=["rising", "falling", "sharp"],
)
def test_edge_finds_the_steepest_point_of_a_step(truth):
    pos, fwhm, height, offset = truth
    for seed in SEEDS:
        out = GaussianEdge("edge").process(X, noisy(step(X, pos, fwhm, height, offset), seed))
        assert out.ok, out.message
        v = out.values
        assert abs(v["pos"] - pos) < 0.03
        assert abs(v["fwhm"] / fwhm - 1) < 0.3
        assert np.sign(v["slope"]) == np.sign(height)
        expected_slope = height / (fwhm / 2.3548) / np.sqrt(2 * np.pi)
        assert abs(v["slope"] / expected_slope - 1) < 0.3


def test_knife_edge_sharper_than_the_step_is_located_within_one_step():
    out = GaussianEdge("edge").process(X, noisy(step(X, 0.512, 0.005, 500.0, 0.0), 1))
    assert out.ok
    assert abs(out.values["pos"] - 0.512) < 0.05


def test_flat_data_has_no_edge():
    assert GaussianEdge("edge").process(X, np.ones_like(X)).message == "There is no edge"
    assert not GaussianEdge("edge").process(X, noisy(np.full(X.size, 300.0), 5)).ok


def test_fwhm_from_half_maximum_crossings():
    y = gaussian(X, 0.4, 0.9, 500.0, 0.0)
    v = FullWidthHalfMaximum("fwhm").process(X, y).values
    assert v["cen"] == pytest.approx(0.4, abs=0.005)
    assert v["fwhm"] == pytest.approx(0.9, rel=0.02)  # linear interpolation between samples
    assert v["height"] == pytest.approx(500.0, rel=1e-3)
    dip = FullWidthHalfMaximum("fwhm").process(X, noisy(gaussian(X, -0.7, 0.6, -300.0, 400.0), 2)).values
    assert dip["cen"] == pytest.approx(-0.7, abs=0.03)
    assert dip["fwhm"] == pytest.approx(0.6, rel=0.1)
    assert dip["height"] < 0


def test_fwhm_of_a_peak_cut_by_the_scan_range_says_so():
    out = FullWidthHalfMaximum("fwhm").process(X, gaussian(X, 2.0, 0.5, 100.0, 0.0))
    assert out.message == "The peak is cut off: no half-maximum crossing on its right"


def test_max_min_and_centre_of_mass():
    y = gaussian(X, -0.25, 0.4, 10.0, 0.0)
    assert MaxPositionAndValue("maxval").process(X, y).values == pytest.approx(
        {"maxpos": -0.25, "maxval": 10.0}
    )
    assert MinPositionAndValue("minval").process(X, -y).values == pytest.approx(
        {"minpos": -0.25, "minval": -10.0}
    )
    com = CentreOfMass("com").process(X, y).values
    assert com["com"] == pytest.approx(-0.25, abs=1e-6)
    assert com["stddev"] == pytest.approx(0.4 / 2.3548, rel=1e-3)
    assert (
        CentreOfMass("com").process(X, np.zeros_like(X)).message.startswith("The centre of mass is undefined")
    )


def test_unknown_processor_name_is_one_clear_error():
    with pytest.raises(ValueError, match="unknown processor 'peek'; choose from maxval, minval, com, peak"):
        make_processors(["maxval", "peek"])
