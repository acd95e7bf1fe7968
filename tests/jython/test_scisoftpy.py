"""``import scisoftpy as dnp`` in scripts: arrays, fits, loading scan files and plot calls."""

from __future__ import annotations

import logging
import sys

import numpy as np
import pytest

from gda_bridge.jython import importer


@pytest.fixture
def dnp(monkeypatch):
    """scisoftpy as a script gets it: through the shim finder (no JVM needed for it)."""
    monkeypatch.setattr(sys, "meta_path", [importer._shim_finder, *sys.meta_path])
    for name in [m for m in sys.modules if m == "scisoftpy" or m.startswith("scisoftpy.")]:
        monkeypatch.delitem(sys.modules, name)
    import scisoftpy

    yield scisoftpy
    for name in [m for m in sys.modules if m == "scisoftpy" or m.startswith("scisoftpy.")]:
        del sys.modules[name]


def _peak(x, posn=1.3, fwhm=0.8, area=50.0, background=2.0):
    sigma = fwhm / (2 * np.sqrt(2 * np.log(2)))
    return area / (sigma * np.sqrt(2 * np.pi)) * np.exp(-0.5 * ((x - posn) / sigma) ** 2) + background


def test_it_is_the_shim_and_arrays_are_numpy(dnp):
    assert dnp.__file__.startswith(str(importer.SHIM_ROOT))
    a = dnp.array([[1.0, 5.0, 2.0], [0.5, 3.0, 9.0]])
    assert isinstance(a, dnp.ndarray) and a.shape == (2, 3)
    assert a.max() == 9.0 and a.argmax() == 5 and dnp.argmax(a[0]) == 1
    assert dnp.sum(a) == pytest.approx(20.5) and dnp.mean(a[1]) == pytest.approx(12.5 / 3)
    assert list(dnp.arange(3)) == [0, 1, 2] and dnp.linspace(0, 1, 5)[1] == 0.25
    assert dnp.zeros((2, 2)).sum() == 0 and dnp.ones(3).sum() == 3
    assert list(dnp.where(a[0] > 1.5)[0]) == [1, 2]
    assert dnp.sqrt(16.0) == 4.0 and dnp.floor(2.7) == 2.0 and dnp.abs(-3) == 3
    assert list(dnp.concatenate([dnp.arange(2), dnp.arange(1)])) == [0, 1, 0]
    assert dnp.std(dnp.array([1.0, 1.0])) == 0 and dnp.exp(0) == 1 and dnp.min(a) == 0.5
    assert dnp.float64 is np.float64 and dnp.float is np.float64


def test_a_name_scisoftpy_does_not_provide_says_so(dnp):
    with pytest.raises(AttributeError, match=r"scisoftpy.fft is not provided by gda-bridge's scisoftpy"):
        dnp.fft  # noqa: B018
    with pytest.raises(AttributeError, match=r"scisoftpy.fit.function.step is not provided"):
        dnp.fit.function.step  # noqa: B018


def test_fit_a_gaussian_on_a_background(dnp):
    x = dnp.linspace(-2, 4, 121)
    rng = np.random.default_rng(7)
    y = _peak(x) + rng.normal(0, 0.2, x.size)
    fn = dnp.fit.function
    r = dnp.fit.fit([fn.gaussian, fn.offset], x, y, [1.0, 1.0, 40.0, 0.0],
                    bounds=[(0, 3), (0.1, 3), (0, None), None])
    posn, fwhm, area, c = r.parameters
    assert posn == pytest.approx(1.3, abs=0.02) and fwhm == pytest.approx(0.8, rel=0.03)
    assert area == pytest.approx(50, rel=0.03) and c == pytest.approx(2.0, abs=0.1)
    assert len(r) == 4 and r[0] == posn
    assert r.errors.shape == (4,) and (r.errors > 0).all() and r.errors[0] < 0.02
    assert r.residual == pytest.approx(np.sum((_peak(x, *r.parameters) - y) ** 2), rel=1e-9)
    assert r.residual < 0.05 * x.size
    assert r.area == pytest.approx(area + c * np.ptp(x), rel=0.05)
    assert "function 'gaussian' (0) has 3 parameters" in str(r)


def test_bounds_hold_and_bad_arguments_are_refused(dnp):
    x = dnp.linspace(-2, 4, 61)
    y = _peak(x, background=0.0)
    fn = dnp.fit.function
    r = dnp.fit.fit(fn.gaussian, x, y, [1.0, 1.0, 40.0], bounds=[(0, 1.1)])
    assert r.parameters[0] == pytest.approx(1.1)  # held at its bound
    with pytest.raises(ValueError, match=r"fit needs 4 initial parameters for gaussian \(3\), offset \(1\), got 3"):
        dnp.fit.fit([fn.gaussian, fn.offset], x, y, [1.0, 1.0, 40.0])
    with pytest.raises(ValueError, match="optimizer 'newton' is not one of"):
        dnp.fit.fit(fn.gaussian, x, y, [1.0, 1.0, 40.0], optimizer="newton")
    with pytest.raises(ValueError, match="needs a lower and an upper bound for every parameter"):
        dnp.fit.fit(fn.gaussian, x, y, [1.0, 1.0, 40.0], optimizer="global")


def test_fit_a_python_function_and_the_other_peak_shapes(dnp):
    x = dnp.linspace(-5, 5, 201)

    def slope(a, b, coords, *args):
        return a * coords[0] + b

    r = dnp.fit.fit(slope, x, 3 * x - 1, [1.0, 0.0])
    assert r.parameters == pytest.approx([3.0, -1.0])
    fn = dnp.fit.function
    for shape, params in ((fn.lorentzian, [0.5, 1.2, 20.0]), (fn.pvoigt, [0.5, 1.0, 1.5, 20.0, 0.3]),
                          (fn.pearson7, [0.5, 1.2, 2.0, 20.0])):
        y = shape(*params).calculateValues(x)
        assert np.trapezoid(y, x) == pytest.approx(params[-1] if shape is not fn.pvoigt else 20.0, rel=0.15)
        start = [p * 1.1 for p in params]
        found = dnp.fit.fit(shape, x, y, start).parameters
        assert found == pytest.approx(params, rel=1e-3)
    assert fn.nparams(fn.gaussian) == 3


def test_load_a_nexus_scan_file(dnp, tmp_path):
    sys.path.insert(0, str(__import__("pathlib").Path(__file__).parents[1] / "nexus"))
    try:
        from scan_docs import gda_counter, motor, run, start, value
    finally:
        sys.path.pop(0)
    from gda_bridge.nexus import NexusWriter

    run(NexusWriter(tmp_path, "i99"), start((5,), [motor("x"), gda_counter("det")], command="scan x 0 4 1 det"))
    t = dnp.io.load(str(tmp_path / "i99-1.nxs"))
    x = t["entry1/instrument/x/x"]
    assert x.shape == (5,) and x.attrs["units"] == "mm"
    np.testing.assert_array_equal(x[...], [value("x", (i,)) for i in range(5)])
    np.testing.assert_array_equal(np.asarray(t.entry1.det.data), [value("det", (i,)) for i in range(5)])
    assert t["/entry1/scan_command"][()] == "scan x 0 4 1 det"
    assert "instrument" in t["entry1"].keys() and t.entry1.attrs["NX_class"] == "NXentry"
    with pytest.raises(KeyError, match="entry1/nothing"):
        t["entry1/nothing"]

    d = dnp.io.load(str(tmp_path / "i99-1.dat"))
    assert list(d.keys()) == ["x", "det"]
    np.testing.assert_allclose(d.det, [value("det", (i,)) for i in range(5)], rtol=1e-4)
    assert d["x"] is d.x and d[0] is d.x
    assert d.metadata["SRSRUN"] == 1 and d.metadata["cmd"] == "scan x 0 4 1 det"


def test_loading_something_else_is_refused(dnp, tmp_path):
    (tmp_path / "notes.txt").write_text("hello\n")
    with pytest.raises(ValueError, match="neither a NeXus/HDF5 file nor an SRS .dat file"):
        dnp.io.load(str(tmp_path / "notes.txt"))
    with pytest.raises(OSError, match="no such file"):
        dnp.io.load(str(tmp_path / "missing.nxs"))


def test_plots_go_to_png_files_when_asked(dnp, tmp_path):
    dnp.plot.setdir(tmp_path)
    try:
        x = dnp.linspace(0, 1, 11)
        dnp.plot.line(x, x**2, title="square")
        dnp.plot.addline(x, x)
        dnp.plot.image(dnp.ones((4, 5)), name="Area")
        r = dnp.fit.fit(dnp.fit.function.linear, x, 2 * x, [1.0, 0.0])
        r.plot(name="fit")
    finally:
        dnp.plot.setdir(None)
    for name in ("Plot_1", "Area", "fit"):
        assert (tmp_path / f"{name}.png").stat().st_size > 1000


def test_without_a_display_plot_calls_do_nothing_and_say_so_once(dnp, monkeypatch, caplog, tmp_path):
    for var in ("DISPLAY", "WAYLAND_DISPLAY", "GDA_BRIDGE_PLOT_DIR"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.chdir(tmp_path)
    caplog.set_level(logging.WARNING, logger="gda_bridge.jython")
    dnp.plot.line([1, 2, 3])
    dnp.plot.clear()
    dnp.plot.image(dnp.zeros((2, 2)))
    warnings = [r for r in caplog.records if "scisoftpy.plot" in r.getMessage()]
    assert len(warnings) == 1 and "plots are not drawn" in warnings[0].getMessage()
    assert not list(tmp_path.iterdir())
    with pytest.raises(ValueError, match="expected a 2-D array"):
        dnp.plot.image(dnp.zeros(3))
