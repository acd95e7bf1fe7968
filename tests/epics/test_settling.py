"""A PVScannable with a tolerance waits until an oscillating readback has settled.

Against our simulated temperature controller (tc1: rings around a new setpoint) and against
caproto's thermo_sim example IOC (a damped oscillation), run as a subprocess on a reserved port.
After the move returns, a monitor records the readback until a deadline: every sample must be
within tolerance with the settle rule; without it most are not.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator

import epics
import pytest

from gda_bridge.core.errors import DeviceError
from gda_bridge.epics import PVScannable
from gda_bridge.sim_ioc import SimIOC
from gda_bridge.sim_ioc.testing import ioc_pool

TOLERANCE = 0.5


def caput(pvname: str, value: object) -> None:
    assert epics.get_pv(pvname, connect=True).put(value, wait=True, timeout=10) is not None


def samples_after(pvname: str, seconds: float) -> list[float]:
    """Every readback value posted during the next ``seconds`` (the current one first)."""
    values = [float(epics.caget(pvname, use_monitor=False, timeout=5))]
    pv = epics.PV(pvname, callback=lambda value, **_: values.append(float(value)))
    try:
        assert pv.wait_for_connection(5)
        threading.Event().wait(seconds)  # measuring for a fixed time, not synchronising
    finally:
        pv.clear_callbacks()
        pv.disconnect()
    return values


def outside(values: list[float], target: float) -> list[float]:
    return [v for v in values if abs(v - target) > TOLERANCE]


@pytest.fixture
def tc(sim_ioc: SimIOC) -> Iterator[str]:
    """tc1's PV prefix, settled at 300 K with a 0.3 s damping and a 0.4 s period."""
    caput(sim_ioc.pv("tc1:DECAY"), 0.3)
    caput(sim_ioc.pv("tc1:PERIOD"), 0.4)
    settle = PVScannable("tc", sim_ioc.pv("tc1:SP"), sim_ioc.pv("tc1:T"), tolerance=1e-3, stable_for=0.2)
    try:
        settle.moveTo(300.0)
    finally:
        settle.close()
    yield sim_ioc.pv("tc1:")


def test_tolerance_alone_arrives_while_the_readback_still_rings(tc: str) -> None:
    caput(tc + "DECAY", 1.0)  # the swing stays above the tolerance for 3 s, even on a busy machine
    tc1 = PVScannable("tc", tc + "SP", tc + "T", tolerance=TOLERANCE)
    try:
        tc1.moveTo(310.0)
        values = samples_after(tc + "T", 0.6)
    finally:
        tc1.close()
    assert len(outside(values, 310.0)) > len(values) / 2  # the hazard the settle rule is for


def test_stable_for_waits_until_the_readback_stays_within_tolerance(tc: str) -> None:
    tc1 = PVScannable("tc", tc + "SP", tc + "T", tolerance=TOLERANCE, stable_for=0.3)
    try:
        tc1.moveTo(310.0)
        values = samples_after(tc + "T", 1.0)
        assert len(values) > 10
        assert outside(values, 310.0) == []
        tc1.moveTo(300.0)
        assert outside(samples_after(tc + "T", 1.0), 300.0) == []
    finally:
        tc1.close()


def test_a_readback_that_never_settles_in_time_raises_naming_the_rule(tc: str) -> None:
    tc1 = PVScannable("tc", tc + "SP", tc + "T", tolerance=0.01, stable_for=0.3, move_timeout=0.4)
    try:
        with pytest.raises(DeviceError, match=r"^tc: did not settle at 310 within 0.4 s \(last readback "
                                              r"[-\d.]+, tolerance: stay within 0.01 for 0.3 s\)$"):
            tc1.moveTo(310.0)
    finally:
        tc1.close()
        PVScannable("tc", tc + "SP", tc + "T", tolerance=1e-3, stable_for=0.2).moveTo(300.0)


def test_settle_time_holds_the_move_after_the_put_callback(tc: str) -> None:
    tc1 = PVScannable("tc", tc + "SP", tc + "T", settle_time=0.3)
    try:
        tc1.asynchronousMoveTo(300.5)
        assert tc1.isBusy()
        tc1.waitWhileBusy()
        assert not tc1.isBusy()
    finally:
        tc1.close()


def test_stable_for_needs_a_tolerance(sim_ioc: SimIOC) -> None:
    with pytest.raises(DeviceError, match=r"^tc: stable_for=1 needs a tolerance \(and a readback PV\)$"):
        PVScannable("tc", sim_ioc.pv("tc1:SP"), sim_ioc.pv("tc1:T"), stable_for=1.0)


@pytest.fixture(scope="module")
def thermo() -> Iterator[str]:
    """caproto's thermo_sim on a reserved loopback port; its prefix once it accepts clients."""
    port = ioc_pool().take_port()
    beacons = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    beacons.bind(("127.0.0.1", 0))
    env = os.environ | {
        "EPICS_CA_SERVER_PORT": str(port), "EPICS_CAS_SERVER_PORT": str(port),
        "EPICS_CAS_INTF_ADDR_LIST": "127.0.0.1", "EPICS_CAS_AUTO_BEACON_ADDR_LIST": "NO",
        "EPICS_CAS_BEACON_ADDR_LIST": "127.0.0.1", "EPICS_CAS_BEACON_PORT": str(beacons.getsockname()[1]),
    }
    proc = subprocess.Popen([sys.executable, "-u", "-m", "caproto.ioc_examples.thermo_sim", "--prefix", "TH:",
                             "--list-pvs"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, start_new_session=True)
    ready = threading.Event()

    def drain() -> None:  # reads the log so the pipe never fills; marks the start-up line
        assert proc.stdout is not None
        for line in proc.stdout:
            if "Server startup complete" in line:
                ready.set()

    threading.Thread(target=drain, daemon=True).start()
    try:
        assert ready.wait(20), "thermo_sim did not start"
        yield "TH:"
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(10)
        beacons.close()
        assert proc.stdout is not None
        proc.stdout.close()


def test_caproto_thermo_sim_settles_only_with_the_rule(thermo: str) -> None:
    for pv, value in (("K", 1.0), ("Tvar", 5.0), ("omega", 9.42)):  # 1.5 Hz, 1 s damping
        caput(thermo + pv, value)
    plain = PVScannable("th", thermo + "SP", thermo + "I", tolerance=TOLERANCE)
    settled = PVScannable("th", thermo + "SP", thermo + "I", tolerance=TOLERANCE, stable_for=0.5)
    try:
        plain.moveTo(50.0)
        early = samples_after(thermo + "I", 0.6)
        assert len(outside(early, 50.0)) >= 2, early  # arrived while it still swings
        settled.moveTo(60.0)
        values = samples_after(thermo + "I", 1.5)
        assert len(values) >= 5
        assert outside(values, 60.0) == []
    finally:
        plain.close()
        settled.close()


def test_the_settle_rule_comes_from_the_configuration_file(tmp_path, tc: str) -> None:  # noqa: ANN001
    from gda_bridge.config import create_devices, load_config

    path = tmp_path / "beamline.toml"
    path.write_text(f"""
[vars]
tc = "{tc}"

[devices.tc]
driver = "pv_scannable"
setpoint = "{{tc}}SP"
readback = "{{tc}}T"
tolerance = {TOLERANCE}
stable_for = 0.3
settle_time = 0.05
""")
    tc1 = create_devices(load_config(path))["tc"]
    try:
        assert (tc1.stable_for, tc1.settle_time) == (0.3, 0.05)
        tc1.moveTo(305.0)
        assert outside(samples_after(tc + "T", 0.8), 305.0) == []
    finally:
        tc1.close()
