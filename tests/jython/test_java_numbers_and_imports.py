"""Java's NumberFormatException from java.lang.Float('x'); Jython's Java import forms; clear
errors for GDA's Eclipse packages."""

from __future__ import annotations

import importlib

import pytest

from gda_bridge.jython.importer import install_shims
from gda_bridge.jython.java_imports import not_provided_message
from gda_bridge.jython.runner import ScriptRunner
from gda_bridge.jython.standard_names import install_java_idioms


@pytest.fixture(scope="module", autouse=True)
def idioms():
    install_shims()
    install_java_idioms()


def test_boxed_number_constructors_parse_strings_as_java_does():
    import java.lang as jl

    with pytest.raises(jl.NumberFormatException, match='For input string: "x"'):
        jl.Float("x")
    with pytest.raises(jl.Exception):  # except java.lang.Exception catches it too
        jl.Integer("1.5")
    assert jl.Float("2.5") == 2.5 and isinstance(jl.Float("2.5"), jl.Float)
    assert jl.Integer("42") == 42 and jl.Long(7) == 7 and jl.Double(1.5) == 1.5
    assert not jl.Boolean("yes") and jl.Boolean("TRUE")  # Java's rule, not Python's truthiness


def test_import_of_a_gda_class_binds_its_dotted_path():
    namespace: dict = {}
    exec("import gda.device.scannable.DummyScannable\nd = gda.device.scannable.DummyScannable('d')", namespace)
    assert str(namespace["d"].getName()) == "d"
    from gda.device.scannable import ScannableMotionBase

    exec("import gda.device.scannable.ScannableMotionBase as B", namespace)
    assert namespace["B"] is ScannableMotionBase  # the shim's Python base, as `from` gives it


def test_a_missing_gda_class_still_fails_at_the_import():
    with pytest.raises(ImportError):
        importlib.import_module("gda.device.scannable.NoSuchScannable")


@pytest.mark.parametrize(
    ("statement", "message"),
    [
        ("from uk.ac.diamond.scisoftpy.analysis import fitting",
         "uk.ac.diamond.scisoftpy is not provided by gda-bridge: use `import scisoftpy as dnp`"),
        ("from org.eclipse.january.io import LoaderFactory",
         "org.eclipse.january.io is not provided by gda-bridge: use numpy arrays"),
        ("from org.eclipse.dawnsci.analysis.api.fitting import Fitter",
         "org.eclipse.dawnsci.analysis.api is not provided by gda-bridge: read scan files with h5py"),
        ("import uk.ac.gda.api.remoting", "uk.ac.gda is not provided by gda-bridge: it is GDA Java code"),
        ("from org.eclipse.core.runtime import Platform", "org.eclipse.core is not provided by gda-bridge"),
    ],
)
def test_gda_eclipse_packages_fail_at_the_import_saying_what_to_use(statement, message):
    with pytest.raises(ImportError) as caught:
        exec(statement, {})
    assert str(caught.value).startswith(message)


def test_only_gda_eclipse_names_are_refused():
    assert not_provided_message("ukulele") is None
    assert not_provided_message("org.slf4j") is None
    assert not_provided_message("org.eclipse.january.dataset").startswith("org.eclipse.january.dataset is not")


def test_dawn_and_january_datasets_are_numpy_stand_ins(tmp_path, capsys):
    """GDA's gdascripts.scannable.preloadedArray builds DoubleDatasets for its plots."""
    script = tmp_path / "datasets.py"
    script.write_text(
        "from org.eclipse.dawnsci.analysis.dataset.impl import DoubleDataset\n"
        "from org.eclipse.january.dataset import DatasetFactory\n"
        "x = DoubleDataset.array([1, 2, 3])\n"
        "x.setName('energy')\n"
        "print x.getName(), x.getShape(), x.getSize(), x.getDouble(2), (x * 2).tolist()\n"
        "r = DatasetFactory.createRange(0, 1, 0.25)\n"
        "print r.getShape(), r.sum(), DatasetFactory.zeros([2, 3]).getRank()\n"
    )
    ScriptRunner(mode="py2").run_file(script)
    assert capsys.readouterr().out.splitlines() == ["energy [3] 3 3.0 [2.0, 4.0, 6.0]", "[4] 1.5 2"]
