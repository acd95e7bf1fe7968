"""The script runner, the import shims and the interrupt names, in-process (the corpus in
tests/legacy_scripts covers the same through `gda-bridge run`)."""

from __future__ import annotations

import sys
import textwrap
import threading
from pathlib import Path

import pytest

from gda_bridge.core.errors import DeviceError, ScanAbortedError
from gda_bridge.jython.importer import SHIM_ROOT
from gda_bridge.jython.interrupts import (
    CommandInterrupted,
    InterruptedException,
    ScanInterrupted,
    interruptible,
    script_controller,
)
from gda_bridge.jython.runner import ScriptNotFoundError, ScriptRunner, format_user_error


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    return path


@pytest.fixture
def scripts(tmp_path: Path) -> Path:
    folder = tmp_path / "scripts"
    folder.mkdir()
    yield folder
    for p in (str(folder.resolve()),):
        while p in sys.path:
            sys.path.remove(p)


def test_run_finds_scripts_on_the_path_and_shares_one_namespace(scripts: Path, capsys, ctx) -> None:
    write(scripts, "setup_sample.py", """
        import __main__
        __main__.counter += 1
        made_here = "yes"
        print "setup sees", counter
    """)
    main = write(scripts.parent, "main.py", """
        counter = 1
        run "setup_sample"
        print "main sees", counter, made_here
    """)
    runner = ScriptRunner(script_paths=[scripts], legacy_paths=[scripts.parent])
    decision = runner.run_file(main)
    assert decision.mode == "py2" and "legacy script path" in decision.reason
    assert capsys.readouterr().out == "setup sees 2\nmain sees 2 yes\n"
    assert runner.namespace["counter"] == 2 and sys.modules["__main__"] is not runner.module


def test_a_missing_script_names_the_script_path(scripts: Path) -> None:
    runner = ScriptRunner(script_paths=[scripts])
    with pytest.raises(ScriptNotFoundError, match=r"run: no script 'nowhere' on the script path \(.*scripts\)"):
        runner.run("nowhere")


def test_startup_scripts_run_first_and_reset_namespace_runs_them_again(scripts: Path, capsys) -> None:
    write(scripts, "localStation.py", """
        print("localStation")
        def greet(who):
            print("hello", who)
        alias("greet")
    """)
    runner = ScriptRunner(script_paths=[scripts])
    runner.run_startup(["localStation"])
    runner.run_source("greet 'world'\nextra = 1\n")
    assert "extra" in runner.namespace
    runner.reset_namespace()
    assert "extra" not in runner.namespace and "greet" in runner.namespace
    assert capsys.readouterr().out == "localStation\nhello world\nlocalStation\n"


def test_imported_python2_modules_of_the_script_folders_are_translated(scripts: Path, capsys) -> None:
    """No legacy path and no flag: the module is not valid Python 3 but is valid Python 2."""
    write(scripts, "old_helpers_b.py", "def half(n):\n    print 'half of', n\n    return n / 2\n")
    runner = ScriptRunner(script_paths=[scripts])
    runner.run_source("import old_helpers_b\nresult = old_helpers_b.half(7)\n")
    assert runner.namespace["result"] == 3 and capsys.readouterr().out == "half of 7\n"


def test_gda_names_come_from_the_shims_and_the_java_core() -> None:
    ScriptRunner()
    import gda
    from gda.device.scannable import DummyScannable, ScannableMotionBase
    from gda.device.sim import SimMotor

    from gda_bridge.devices import ScannableMotionBase as PythonBase

    assert Path(gda.__file__).resolve().is_relative_to(SHIM_ROOT)
    assert ScannableMotionBase is PythonBase
    assert DummyScannable.class_.getName() == "gda.device.scannable.DummyScannable"
    assert SimMotor.class_.getName() == "gda.device.sim.SimMotor"
    with pytest.raises(ImportError, match="TwoDScanPlotter"):
        from gda.device.scannable import TwoDScanPlotter  # noqa: F401
    with pytest.raises(ImportError, match="Jython's own Java API"):
        import org.python.core  # noqa: F401


def test_scannable_and_detector_stand_ins_accept_python_and_java_devices() -> None:
    ScriptRunner()
    from gda.device import Detector, Scannable
    from gda.device.scannable import DummyScannable
    from gdascripts.pd.dummy_pds import DummyPD

    from gda_bridge.devices import DetectorBase

    assert isinstance(DummyPD("a"), Scannable) and isinstance(DummyScannable("j", 0.0), Scannable)
    assert not isinstance(DummyPD("a"), Detector) and isinstance(DetectorBase("d"), Detector)
    assert not isinstance(3, Scannable) and Detector.BUSY == 1


def test_device_exception_catches_refusals_of_python_and_java_devices_in_commands(ctx) -> None:
    runner = ScriptRunner()
    from gda.device import DeviceException
    from gda.device.scannable import DummyScannable

    from gda_bridge.bridge import jclass

    assert DeviceException is DeviceError
    java_device = DummyScannable("jd", 0.0)
    java_device.setUpperGdaLimits(jclass("java.lang.Double")(1.0))
    with pytest.raises((DeviceException, OSError), match="outside the limits"):
        runner.namespace["pos"](java_device, 5.0)


def test_java_lang_interrupted_exception_is_the_python_class_scripts_catch() -> None:
    ScriptRunner()
    from java.lang import InterruptedException as Imported

    import java

    assert Imported is java.lang.InterruptedException is InterruptedException


def test_aborts_and_ctrl_c_in_commands_are_catchable_by_gda_names() -> None:
    def aborted() -> None:
        raise ScanAbortedError("Scan aborted on request.")

    def ctrl_c() -> None:
        raise KeyboardInterrupt

    with pytest.raises(ScanInterrupted, match="Scan aborted on request.") as aborted_info:
        interruptible(aborted)()
    assert isinstance(aborted_info.value, ScanAbortedError | InterruptedException)
    with pytest.raises(CommandInterrupted) as info:
        interruptible(ctrl_c)()
    assert isinstance(info.value, KeyboardInterrupt | ScanAbortedError | InterruptedException)


def test_check_for_pauses_waits_for_resume_and_raises_after_halt() -> None:
    controller = script_controller()
    controller.pause()
    resumed = threading.Event()

    def waiter() -> None:
        controller.check_for_pauses()
        resumed.set()

    thread = threading.Thread(target=waiter)
    thread.start()
    assert not resumed.wait(0.05)
    controller.resume()
    assert resumed.wait(5)
    thread.join(5)
    controller.abort()
    with pytest.raises(ScanInterrupted, match="Script aborted on request."):
        controller.check_for_pauses()
    controller.check_for_pauses()  # the halt is used up


def test_scans_return_to_original_positions_flag(ctx) -> None:
    runner = ScriptRunner()
    runner.run_source(textwrap.dedent("""
        from gdascripts.pd.dummy_pds import DummyPD
        a = DummyPD("a")
        a(5)
        scansReturnToOriginalPositions = 1
        scan a 0 2 1
        first = a()
        scansReturnToOriginalPositions = 0
        scan a 0 2 1
        second = a()
    """))
    assert (runner.namespace["first"], runner.namespace["second"]) == (5.0, 2.0)


def test_user_errors_show_only_the_users_frames(scripts: Path) -> None:
    script = write(scripts, "bad.py", """
        def inner():
            return {}["missing"]
        inner()
    """)
    runner = ScriptRunner()
    with pytest.raises(KeyError) as info:
        runner.run_file(script)
    text = format_user_error(info.value)
    assert text.splitlines()[0] == "Traceback (most recent call last):"
    assert 'bad.py", line 4, in <module>' in text and 'bad.py", line 3, in inner' in text
    assert "gda_bridge" not in text and text.endswith("KeyError: 'missing'")
