"""Serve the simulation's fields over Channel Access with pcaspy, on 127.0.0.1 and one exact port.

pcaspy wraps EPICS base's C++ portable CA server: requests are parsed and answered in C++, and
only a put reaches Python. One thread runs everything: the server waits for requests until the
next simulation timer is due, then the due timers run (see ``docs/decisions/0004``).

The server reads its settings from the environment when it is created, so this module sets them
first: TCP, UDP searches and beacons on 127.0.0.1 only. Beacons go to a UDP socket this process
holds and never reads, so the server has no "connection refused" to report when no caRepeater
runs. A busy port is refused, never replaced by another one.
"""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import socket
from collections import defaultdict
from collections.abc import Callable
from types import FrameType
from typing import Any

from ._constants import LOOPBACK
from ._fields import Field
from ._process import bind_udp_in_range, port_bindable, reserve_ports
from ._scheduler import Scheduler

log = logging.getLogger("gda_bridge.sim_ioc")

#: prctl option: the kernel's allowance for waking a sleeping thread late (50 µs by default).
PR_SET_TIMERSLACK = 29
#: Longest wait for a request before the loop looks at its timers and its stop flag again (s).
IDLE_WAIT = 0.1


class PortInUseError(OSError):
    """The requested Channel Access port is taken."""


def choose_port(requested: int) -> int:
    """``requested`` if both its TCP and UDP ports are free on 127.0.0.1; with 0, a free pair."""
    if not requested:
        return reserve_ports(1)[0]
    if not port_bindable(socket.SOCK_STREAM, requested):
        raise PortInUseError(f"TCP port {LOOPBACK}:{requested} is in use")
    if not port_bindable(socket.SOCK_DGRAM, requested):
        raise PortInUseError(f"UDP port {LOOPBACK}:{requested} is in use")
    return requested


def _pin_to_loopback(port: int, beacon_port: int, max_array_bytes: int) -> None:
    os.environ.update({
        "EPICS_CA_SERVER_PORT": str(port),
        "EPICS_CAS_SERVER_PORT": str(port),
        "EPICS_CAS_INTF_ADDR_LIST": LOOPBACK,
        "EPICS_CAS_AUTO_BEACON_ADDR_LIST": "NO",
        "EPICS_CAS_BEACON_ADDR_LIST": LOOPBACK,
        "EPICS_CAS_BEACON_PORT": str(beacon_port),
        "EPICS_CA_MAX_ARRAY_BYTES": str(max_array_bytes),
    })


def _max_array_bytes(fields: dict[str, Field]) -> int:
    largest = max((f.count * 8 for f in fields.values()), default=0)
    return max(16 * 1024 * 1024, largest + 64 * 1024)


def _fine_timers() -> None:
    """Let the kernel wake this process on time: a count of TP=1 ms must not end 50-100 µs late."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_TIMERSLACK, 1, 0, 0, 0)
    except (OSError, AttributeError):
        log.debug("cannot set the timer slack (not Linux?)")


def serve(fields: dict[str, Field], scheduler: Scheduler, port: int, on_ready: Callable[[int], None]) -> None:
    """Serve ``fields`` until SIGTERM or SIGINT; ``on_ready(port)`` once the port accepts clients."""
    port = choose_port(port)
    beacon_sink = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    # Not on the server's own port: Channel Access would find its UDP port taken and abort the
    # process ("terminate called after throwing an instance of 'int'").
    _pin_to_loopback(port, bind_udp_in_range(beacon_sink, avoid=(port,)), _max_array_bytes(fields))

    from pcaspy import Driver, SimpleServer  # after the environment: the server reads it when made

    from ._pcaspy_float32 import register_float32

    register_float32()

    names_of: dict[int, list[str]] = defaultdict(list)
    for name, field in fields.items():
        names_of[id(field)].append(name)

    class SimDriver(Driver):  # type: ignore[misc]
        """Client puts go to the fields; put-callbacks complete when the field's action says so."""

        def write(self, reason: str, value: Any) -> bool:
            field = fields[reason]
            try:
                pending = field.client_put(value)
            except Exception:  # a model bug must not take the server down
                log.exception("put of %r to %s failed", value, reason)
                pending = None
            if field.completes_later:
                # Never complete inside write(): the server registers the put-callback after it.
                def complete() -> None:
                    scheduler.call_soon(lambda: self.callbackPV(reason))

                if pending is None:
                    complete()
                else:
                    pending.then(complete)
            return True

        def write_stop(self, reason: str, value: Any) -> None:
            """A stop put (see Field.stop_value) while the PV's put-callback is pending."""
            try:
                fields[reason].client_put(value)
            except Exception:
                log.exception("stop put of %r to %s failed", value, reason)
            self.updatePV(reason)

    server = SimpleServer()
    server.createPV("", {name: field.pcaspy_info() for name, field in fields.items()})
    driver = SimDriver()

    def poster(field: Field) -> None:
        value = field.wire_value()
        for name in names_of[id(field)]:
            driver.setParam(name, value)
            driver.updatePV(name)

    for field in fields.values():
        field.bind(poster)
    _accept_stops_while_busy(fields, driver)

    stopping = False

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, stop)
    _fine_timers()
    on_ready(port)
    try:
        while not stopping:
            scheduler.run_due()
            server.process(scheduler.delay(IDLE_WAIT))
    finally:
        beacon_sink.close()
    log.info("signal received, shutting down")


def _is_stop(field: Field | None, wire_value: Any) -> bool:
    if field is None or field.stop_value is None:
        return False
    try:
        return bool(field.from_wire(wire_value) == field.stop_value)
    except (TypeError, ValueError, IndexError):
        return False


def _accept_stops_while_busy(fields: dict[str, Field], driver: Any) -> None:
    """Let a put-callback of a stop value through while the PV's previous put-callback is pending.

    pcaspy keeps one pending put-callback per PV and postpones the next one until it completes;
    the Channel Access server then holds every later request of that client behind it. A stop
    (``Capture=0`` while ``Capture=1`` waits for its file) would never arrive. Such a put runs at
    once and its put-callback completes at once; the pending one completes as its field says.
    """
    from pcaspy import cas
    from pcaspy import driver as pcaspy_driver

    original = pcaspy_driver.SimplePV.writeNotify

    def write_notify(pv: Any, context: Any, value: Any) -> Any:
        if pv.hasAsyncWrite() and _is_stop(fields.get(pv.info.reason), value.get()):
            driver.write_stop(pv.info.reason, value.get())
            return cas.S_casApp_success
        return original(pv, context, value)

    pcaspy_driver.SimplePV.writeNotify = write_notify
