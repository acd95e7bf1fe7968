"""Ports gda-bridge chooses itself stay inside GDA_BRIDGE_PORT_RANGE; pyepics finds a repeater."""

import os
import subprocess
import sys

import pytest

from gda_bridge.sim_ioc import client_environment, port_range, reserve_ports, start_ioc

RANGE = "35400-35599"  # ours on the shared test host


def test_reserved_ports_fall_in_the_range(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GDA_BRIDGE_PORT_RANGE", RANGE)
    ports = reserve_ports(20)
    assert len(set(ports)) == 20
    assert all(35400 <= p <= 35599 for p in ports), ports


@pytest.mark.parametrize("text", ["34000", "34999-34000", "abc-def", "80-90", "34000-70000"])
def test_a_bad_range_is_refused_naming_the_variable(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setenv("GDA_BRIDGE_PORT_RANGE", text)
    with pytest.raises(ValueError, match=f"GDA_BRIDGE_PORT_RANGE='{text}' is not FIRST-LAST"):
        port_range()


def test_beacon_sockets_leave_the_ports_clients_look_for_iocs_on(monkeypatch: pytest.MonkeyPatch) -> None:
    """An IOC's beacon socket took a port reserved for an IOC started (or restarted) later, which
    then failed with 'port in use'."""
    import socket

    from gda_bridge.sim_ioc._process import bind_udp_in_range

    monkeypatch.setenv("GDA_BRIDGE_PORT_RANGE", "35600-35609")
    monkeypatch.setenv("EPICS_CA_ADDR_LIST", " ".join(f"127.0.0.1:{p}" for p in range(35600, 35609)))
    for _ in range(5):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            assert bind_udp_in_range(sock) == 35609


def test_sim_ioc_port_0_and_its_beacons_pick_from_the_range(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GDA_BRIDGE_PORT_RANGE", RANGE)
    with start_ioc(port=0, args=("--frame-size", "8x8")) as ioc:
        assert 35400 <= ioc.port <= 35599
        beacon = subprocess.run(["ss", "-Hulnp"], capture_output=True, text=True).stdout
        mine = [line for line in beacon.splitlines() if f"pid={ioc.process.pid}," in line]
        udp_ports = {int(line.split()[3].rpartition(":")[2]) for line in mine}
        assert udp_ports and all(35400 <= p <= 35599 for p in udp_ports), mine


def test_pyepics_client_of_the_sim_ioc_prints_no_carepeater_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GDA_BRIDGE_PORT_RANGE", RANGE)
    with start_ioc(args=("--frame-size", "8x8")) as ioc:
        env = {**os.environ, **client_environment([ioc.port])}
        code = f"import epics; print(epics.caget('{ioc.prefix}m1.RBV', timeout=10))"
        done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() not in ("", "None"), done.stderr
    assert "caRepeater" not in done.stderr and "Repeater" not in done.stderr, done.stderr


def test_an_ioc_on_port_0_never_has_its_own_port_taken_by_its_beacon_socket(monkeypatch: pytest.MonkeyPatch) -> None:
    """The IOC's beacon socket took the UDP port just chosen for the IOC (free until the CA server
    binds it), and the server aborted: "terminate called after throwing an instance of 'int'"."""
    import socket

    from gda_bridge.sim_ioc._process import bind_udp_in_range

    monkeypatch.setenv("GDA_BRIDGE_PORT_RANGE", "35400-35401")
    monkeypatch.delenv("EPICS_CA_ADDR_LIST", raising=False)
    for _ in range(5):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            assert bind_udp_in_range(sock, avoid=(35401,)) == 35400
    for _ in range(3):  # each start failed with one chance in two before
        with start_ioc(args=("--frame-size", "8x8")) as ioc:
            assert ioc.port in (35400, 35401)
