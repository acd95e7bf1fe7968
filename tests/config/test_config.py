"""Beamline configuration files: devices made through entry-point drivers and Java classes."""

from __future__ import annotations

import textwrap

import pytest

from gda_bridge.config import ConfigError, create_devices, load_config


def _write(tmp_path, text):
    path = tmp_path / "beamline.toml"
    path.write_text(textwrap.dedent(text))
    return path


def test_devices_are_made_from_drivers_with_variables_and_references(tmp_path):
    cfg = load_config(_write(tmp_path, """
        [beamline]
        name = "BL99"
        data_dir = "data"
        script_paths = ["scripts"]
        metadata = ["x"]

        [vars]
        units = "mm"

        [devices.x]
        driver = "sim_motor"
        speed = 100.0
        limits = [-5, 5]
        units = "{units}"

        [devices.det]
        driver = "gaussian_counter"
        motor = "@x"
        centre = 1.0

        [devices.jx]
        driver = "java"
        class = "gda.device.scannable.DummyScannable"
        args = ["jx", 2.5]
    """))
    assert cfg.name == "BL99" and cfg.data_dir == (tmp_path / "data").resolve()
    assert cfg.script_paths == [(tmp_path / "scripts").resolve()] and cfg.metadata == ["x"]
    devices = create_devices(cfg)
    x, det, jx = devices["x"], devices["det"], devices["jx"]
    assert x.getUserUnits() == "mm" and "outside the limits (-5:5)" in x.checkPositionValid(6)
    assert det.motor is x
    assert jx() == 2.5


def test_every_failing_device_is_named_in_one_error(tmp_path):
    cfg = load_config(_write(tmp_path, """
        [devices.a]
        driver = "no_such_driver"

        [devices.b]
        driver = "java"
        class = "org.example.Missing"

        [devices.c]
        driver = "sim_motor"
    """))
    with pytest.raises(ConfigError) as info:
        create_devices(cfg)
    message = str(info.value)
    assert "2 device(s) failed" in message
    assert "a (no_such_driver): unknown driver 'no_such_driver' (known: " in message and "sim_motor" in message
    assert "b (java): device b: Java class org.example.Missing not found" in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[devices.a]\nspeed = 1\n", r"\[devices.a\]: needs a driver"),
        ("[devices.a]\ndriver = 'sim_motor'\npv = '{prefix}m1'\n", r"unknown variable \{prefix\}"),
        ("[beamline\n", "not valid TOML"),
        ("[beamlines]\n", "unknown section"),
        ("[devices.a]\ndriver = 'sim_motor'\nmotor = '@nothing'\n", "'@nothing' names no device"),
    ],
)
def test_configuration_mistakes_give_one_clear_line(tmp_path, text, expected):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=expected):
        create_devices(load_config(path))


def test_missing_file_is_named(tmp_path):
    with pytest.raises(ConfigError, match="no such configuration file"):
        load_config(tmp_path / "nope.toml")
