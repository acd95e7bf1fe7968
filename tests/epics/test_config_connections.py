"""A configuration's EPICS devices connect concurrently; optional ones may be missing; its
[[suspenders]] hold the session's scans."""

from __future__ import annotations

import textwrap
import time
from pathlib import Path

import epics
import pytest

from gda_bridge.bridge import ensure_jvm
from gda_bridge.config import ConfigError, create_devices, load_config
from gda_bridge.core.documents import ScanStatus, ScanSuspended
from gda_bridge.epics import PVSuspender
from gda_bridge.session import Session
from gda_bridge.sim_ioc import SimIOC

TIMEOUT = 2.0


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "beamline.toml"
    path.write_text(textwrap.dedent(text))
    return path


def _missing(name: str, optional: bool = False) -> str:
    return textwrap.dedent(f"""
        [devices.{name}]
        driver = "pv_monitor"
        pv = "NOSUCH{name}:value"
        connection_timeout = {TIMEOUT}
        {"optional = true" if optional else ""}
    """)


def test_three_missing_devices_fail_in_one_error_within_one_timeout(tmp_path: Path, sim_ioc: SimIOC) -> None:
    cfg = load_config(_write(tmp_path, f"""
        [devices.m1]
        driver = "epics_motor"
        pv = "{sim_ioc.pv('m1')}"
    """ + _missing("a") + _missing("b") + _missing("c")))
    ensure_jvm()  # one-time costs (JVM start, libca's first context) are not the point here
    epics.caget(sim_ioc.pv("ring:current"), timeout=10)
    start = time.monotonic()
    with pytest.raises(ConfigError) as err:
        create_devices(cfg)
    elapsed = time.monotonic() - start
    message = str(err.value)
    assert "3 device(s) failed" in message and "m1" not in message.split("failed:", 1)[1]
    for name in "abc":
        assert f"{name} (pv_monitor): PVMonitor {name}: 1 of 1 PVs did not connect within 2 s: NOSUCH{name}:value" in message
    assert TIMEOUT <= elapsed < 1.9 * TIMEOUT, elapsed  # one timeout (+ margin), not three


def test_an_optional_missing_device_leaves_the_session_up(tmp_path: Path, sim_ioc: SimIOC, ctx) -> None:  # noqa: ANN001
    path = _write(tmp_path, f"""
        [beamline]
        data_dir = "data"

        [devices.m1]
        driver = "epics_motor"
        pv = "{sim_ioc.pv('m1')}"

        [devices.ring]
        driver = "pv_monitor"
        pv = "{sim_ioc.pv('ring:current')}"
    """ + _missing("i0", optional=True))
    session = Session.from_config(path)
    try:
        assert session.device_names == ["m1", "ring"] and "i0" not in session.namespace
        [warning] = [line for line in ctx.lines if "optional device" in line]
        assert warning.startswith("optional device i0 (pv_monitor): PVMonitor i0: 1 of 1 PVs did not connect")
        assert session.namespace["ring"]() == pytest.approx(epics.caget(sim_ioc.pv("ring:current")))
    finally:
        session.close()


def test_configured_suspenders_hold_the_sessions_scans(tmp_path: Path, sim_ioc: SimIOC, ctx) -> None:  # noqa: ANN001
    ring = sim_ioc.pv("ring:current")
    epics.caput(ring, 300.0, wait=True)
    path = _write(tmp_path, f"""
        [beamline]
        name = "t99"
        data_dir = "data"

        [devices.m1]
        driver = "epics_motor"
        pv = "{sim_ioc.pv('m1')}"

        [devices.ring]
        driver = "pv_monitor"
        pv = "{ring}"
        units = "mA"

        [[suspenders]]
        name = "ring current"
        device = "ring"
        below = 10.0
        units = "mA"
        resume_after = 0.2

        [[suspenders]]
        disconnect = true
    """)
    session = Session.from_config(path)
    try:
        [current, _] = ctx.suspenders
        assert isinstance(current, PVSuspender) and current.pv == ring

        def operator(doc: object) -> None:
            if getattr(doc, "index", None) == 1 and type(doc).__name__ == "ScanPoint":
                epics.caput(ring, 0.2, wait=True)
            elif isinstance(doc, ScanSuspended):
                epics.caput(ring, 300.0, wait=True)

        ctx.stream.subscribe(operator)
        epics.caput(sim_ioc.pv("m1.VELO"), 1e6, wait=True)
        s = session.namespace["scan"](session.namespace["m1"], 0, 0.3, 0.1)
        assert s.status is ScanStatus.COMPLETED_OKAY and s.num_points == 4
        assert [(r.index, r.reason) for r in s.suspensions] == [(2, "ring current 0.2 < 10 mA")]
        assert "Scan suspended: ring current 0.2 < 10 mA" in ctx.lines
    finally:
        session.close()
        epics.caput(ring, 300.0, wait=True)
    assert ctx.suspenders == []
