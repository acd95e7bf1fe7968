"""GDA Java API stand-ins that the corpus cannot reach from a subprocess (terminal input) or
whose refusals are easier to pin down in-process."""

from __future__ import annotations

import io

import pytest

from gda_bridge.core.errors import DeviceError
from gda_bridge.jython.runner import ScriptRunner


@pytest.fixture(autouse=True)
def shims() -> None:
    ScriptRunner()  # installs the gda.* / gdascripts.* finder


def test_request_input_prints_the_prompt_and_returns_the_line(monkeypatch, capsys) -> None:
    from gda.jython.commands.InputCommands import requestInput

    monkeypatch.setattr("sys.stdin", io.StringIO("12.5\nsecond\n"))
    assert requestInput("Sample height?") == "12.5"
    assert requestInput() == "second"
    assert capsys.readouterr().out == "Sample height?\n"


def test_request_input_with_no_input_left_fails_instead_of_answering_empty(monkeypatch) -> None:
    from gda.jython.commands.InputCommands import requestInput

    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    with pytest.raises(EOFError, match=r"requestInput\('Continue\?'\): no input"):
        requestInput("Continue?")


def test_position_provider_regions_follow_the_scan_point_count() -> None:
    from gda.scan import ScanPositionProviderFactory

    one = ScanPositionProviderFactory.createFromRegion(0, 1, 0.25)
    assert [one.get(i) for i in range(one.size())] == [0.0, 0.25, 0.5, 0.75, 1.0]
    two = ScanPositionProviderFactory.createFromRegion([[2, 0, 1], [5, 5, 1]])
    assert [two.get(i) for i in range(two.size())] == [2.0, 1.0, 0.0, 5.0]
    with pytest.raises(ValueError, match="never arrives"):
        ScanPositionProviderFactory.createFromRegion(0, 1, 0)


def test_what_gda_bridge_cannot_do_is_refused_by_name() -> None:
    from gda.data import NumTracker
    from gda.data.scan.datawriter import NexusDataWriter
    from gda.device.scannable import ScannableMotor

    with pytest.raises(NotImplementedError, match="writes each scan's NeXus file itself"):
        NexusDataWriter()
    with pytest.raises(NotImplementedError, match="numbers scans itself"):
        NumTracker("scanbase_numtrack").incrementNumber()
    with pytest.raises(DeviceError, match="m: ScannableMotor has no motor"):
        ScannableMotor("m").getPosition()


def test_a_java_motor_refusal_is_a_device_exception() -> None:
    from gda.device import DeviceException
    from gda.device.motor import DummyMotor
    from gda.device.scannable import ScannableMotor

    motor = DummyMotor("m_motor")
    motor.setMaxPosition(1.0)
    m = ScannableMotor("m", motor)
    with pytest.raises(DeviceException, match="above the upper limit 1.0"):
        m.moveTo(2.0)
    assert m.getPosition() == 0.0
