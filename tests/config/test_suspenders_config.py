"""[[suspenders]] tables and optional devices in a beamline configuration (parsing only)."""

from __future__ import annotations

import textwrap

import pytest

from gda_bridge.config import ConfigError, create_devices, load_config
from gda_bridge.core.suspenders import Threshold


def _write(tmp_path, text):
    path = tmp_path / "beamline.toml"
    path.write_text(textwrap.dedent(text))
    return path


def test_suspenders_are_read_with_variables_and_device_pvs(tmp_path):
    cfg = load_config(_write(tmp_path, """
        [vars]
        prefix = "BL99:"

        [devices.ring]
        driver = "pv_monitor"
        pv = "{prefix}ring:current"

        [[suspenders]]
        device = "ring"
        below = 10.0
        units = "mA"
        resume_after = 5.0
        max_suspend = 600

        [[suspenders]]
        name = "shutter"
        pv = "{prefix}shutter:status"
        equals = "Closed"

        [[suspenders]]
        disconnect = true
        resume_after = 2
    """))
    ring, shutter, ioc = cfg.suspenders
    assert (ring.name, ring.pv, ring.threshold, ring.units) == ("ring", "BL99:ring:current", Threshold(below=10.0), "mA")
    assert (ring.resume_after, ring.max_suspend) == (5.0, 600.0)
    assert (shutter.name, shutter.pv, shutter.threshold) == ("shutter", "BL99:shutter:status", Threshold(equals="Closed"))
    assert (shutter.resume_after, shutter.max_suspend) == (0.0, None)
    assert ioc.disconnect and ioc.pv is None and ioc.resume_after == 2.0


@pytest.mark.parametrize(("table", "expected"), [
    ('pv = "X"', "needs exactly one of below, above, equals, not_equals"),
    ('pv = "X"\nbelow = 1\nequals = "Closed"', "exactly one of below, above, equals, not_equals (got below, equals)"),
    ('below = 1', 'needs exactly one of pv = "...", device = "...", disconnect = true'),
    ('pv = "X"\ndisconnect = true\nbelow = 1', "(got pv, disconnect)"),
    ('pv = "X"\nbelow = "ten"', "below must be a number, not 'ten'"),
    ('pv = "X"\nbelow = 1\nresume_after = -1', "resume_after must be a number of seconds >= 0, not -1"),
    ('pv = "X"\nbelow = 1\nmax_suspend = 0', "max_suspend must be > 0 s"),
    ('pv = "X"\nbelow = 1\nbelwo = 2', "unknown key(s) belwo"),
    ('disconnect = true\nbelow = 1', "disconnect = true takes no below"),
    ('device = "nope"\nbelow = 1', "device 'nope' is not in [devices]"),
    ('device = "x"\nbelow = 1', "device 'x' (sim_motor) has no pv/readback/setpoint to watch"),
])
def test_suspender_mistakes_give_one_line_naming_the_table(tmp_path, table, expected):
    path = _write(tmp_path, '[devices.x]\ndriver = "sim_motor"\n\n[[suspenders]]\n' + table + "\n")
    with pytest.raises(ConfigError) as err:
        load_config(path)
    message = str(err.value)
    assert message.startswith(f"{path}: [[suspenders]] #1: ") and expected in message, message
    assert "\n" not in message


def test_an_optional_device_that_fails_is_left_out_with_a_warning(tmp_path):
    cfg = load_config(_write(tmp_path, """
        [devices.x]
        driver = "sim_motor"

        [devices.broken]
        driver = "no_such_driver"
        optional = true

        [devices.det]
        driver = "gaussian_counter"
        motor = "@x"
    """))
    assert [d.optional for d in cfg.devices] == [False, True, False]
    warnings: list[str] = []
    devices = create_devices(cfg, warn=warnings.append)
    assert list(devices) == ["x", "det"] and devices["det"].motor is devices["x"]
    [warning] = warnings
    assert warning.startswith("optional device broken (no_such_driver): unknown driver 'no_such_driver'")
    assert warning.endswith("the session goes on without it")


def test_a_device_needing_a_failed_one_fails_too_and_both_are_named(tmp_path):
    cfg = load_config(_write(tmp_path, """
        [devices.det]
        driver = "gaussian_counter"
        motor = "@x"

        [devices.x]
        driver = "no_such_driver"
    """))
    with pytest.raises(ConfigError) as err:
        create_devices(cfg)
    message = str(err.value)
    assert "2 device(s) failed" in message
    assert "det (gaussian_counter): needs @x, which failed" in message
    assert "x (no_such_driver): unknown driver" in message


def test_optional_must_be_a_boolean(tmp_path):
    with pytest.raises(ConfigError, match=r"\[devices.x\]: optional must be true or false, not 'yes'"):
        load_config(_write(tmp_path, '[devices.x]\ndriver = "sim_motor"\noptional = "yes"\n'))
