"""The names GDA's interpreter pre-imported are in every script's namespace; dnp is lazy."""

from __future__ import annotations

import sys

import pytest

from gda_bridge.jython.runner import ScriptRunner


def test_a_script_uses_gdas_pre_imported_names_without_importing(tmp_path, capsys):
    script = tmp_path / "uses_names.py"
    script.write_text(
        "class Job(Runnable):\n"
        "    def run(self): print('ran on', Thread.currentThread().getName())\n"
        "t = Thread(Job(), 'worker'); t.start(); t.join()\n"
        "print(java.lang.Math.max(2, 5), DummyScannable('d').getName(), finder is not None)\n"
        "print(ScannableBase.__name__, DetectorBase.__name__, ScanDataPoint.__name__, Scannable.__name__)\n"
        "print(ScannableCommands.__name__, GeneralCommands.__name__, ScriptBase.__name__)\n"
        "print(gda.device.scannable.DummyScannable('e').getName())\n"
    )
    ScriptRunner(mode="py3").run_file(script)
    assert capsys.readouterr().out.splitlines() == [
        "ran on worker",
        "5 d True",
        "ScannableBase DetectorBase ScanDataPoint Scannable",
        "gda.jython.commands.ScannableCommands gda.jython.commands.GeneralCommands ScriptBase",
        "e",
    ]


@pytest.fixture
def fake_scisoftpy(tmp_path, monkeypatch):
    """A scisoftpy module that records when it is imported."""
    (tmp_path / "scisoftpy.py").write_text("import builtins\nbuiltins._scisoftpy_imported = True\narange = range\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "scisoftpy", raising=False)
    yield
    sys.modules.pop("scisoftpy", None)
    import builtins

    builtins.__dict__.pop("_scisoftpy_imported", None)


def test_dnp_is_scisoftpy_imported_on_first_use(fake_scisoftpy):
    import builtins

    runner = ScriptRunner(mode="py3")
    assert "dnp" in runner.namespace
    assert not hasattr(builtins, "_scisoftpy_imported")
    runner.run_source("values = list(dnp.arange(3))")
    assert runner.namespace["values"] == [0, 1, 2] and builtins._scisoftpy_imported


def test_without_scisoftpy_there_is_no_dnp(monkeypatch):
    import importlib.util

    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "scisoftpy" else real_find_spec(name, *a))
    assert "dnp" not in ScriptRunner(mode="py3").namespace
