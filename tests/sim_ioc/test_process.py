"""The IOC as a process: ready line, PV list, loopback only, clean shutdown, a busy port refused."""

import signal
import socket
import subprocess
import sys

import pytest

from gda_bridge.sim_ioc import LOOPBACK, start_ioc


def test_list_pvs_names_every_device() -> None:
    out = subprocess.run([sys.executable, "-m", "gda_bridge.sim_ioc", "--prefix", "X:", "--list-pvs",
                          "--motors", "th,tth"], capture_output=True, text=True, check=True).stdout
    names = {line.split()[0] for line in out.splitlines()}
    for pv in ("X:th", "X:th.VAL", "X:tth.RBV", "X:th.DMOV", "X:th.HLM", "X:scaler1.CNT", "X:scaler1.S2",
               "X:scaler1.NM8", "X:cam1:Acquire", "X:cam1:ArraySizeX_RBV", "X:image1:ArrayData",
               "X:image1:UniqueId_RBV", "X:ring:current", "X:shutter:status", "X:shutter:control"):
        assert pv in names, pv
    assert "X:m1.VAL" not in names


def _non_loopback_address() -> str | None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("10.255.255.255", 1))  # no packet is sent; picks the outgoing interface
            address = s.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") else address


def test_listens_on_loopback_only_and_stops_on_sigterm() -> None:
    ioc = start_ioc(args=("--frame-size", "8x8"))
    try:
        with socket.create_connection((LOOPBACK, ioc.port), timeout=2):
            pass
        other = _non_loopback_address()
        if other is not None:
            with pytest.raises(OSError):
                socket.create_connection((other, ioc.port), timeout=2).close()
        ioc.process.send_signal(signal.SIGTERM)
        assert ioc.process.wait(10) == 0
    finally:
        ioc.stop()


def test_busy_port_is_refused_with_a_clear_message() -> None:
    with socket.socket() as holder:
        holder.bind((LOOPBACK, 0))
        holder.listen()
        port = holder.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "gda_bridge.sim_ioc", "--port", str(port)],
                                capture_output=True, text=True, timeout=20)
    assert result.returncode == 2
    assert f"127.0.0.1:{port} is in use" in result.stderr
