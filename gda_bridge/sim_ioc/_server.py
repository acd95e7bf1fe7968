"""Serve a PV database with caproto on 127.0.0.1 only, with TCP_NODELAY on every client socket.

caproto 1.3.0 leaves Nagle's algorithm on for the sockets it accepts: a put-with-callback on a
PV that also has a monitor then waits for the client's delayed ACK (~25-40 ms instead of ~0.3 ms).
It also falls back to a random port when the requested one is busy; we bind exactly the port
asked for, or with port 0 a free one (TCP and UDP both free), and report it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import socket
from collections.abc import Awaitable, Callable

import caproto
import caproto.server.common
from caproto.asyncio.server import Context, VirtualCircuit
from caproto.asyncio.utils import _TransportWrapper
from caproto.server.common import DisconnectedCircuit, LoopExit

from ._constants import LOOPBACK

log = logging.getLogger("gda_bridge.sim_ioc")

# caproto batches monitor updates once they arrive faster than this apart, and then lets the
# batching latency grow to a second: a client waiting for DMOV would measure the batching, not
# us. Zero sends every update as soon as it is posted (the slow-producer path, always).
caproto.server.common.HIGH_LOAD_TIMEOUT = 0.0


class PortInUseError(OSError):
    """The requested Channel Access port is taken."""


def _udp_port_free(port: int) -> bool:
    # No SO_REUSEADDR/SO_REUSEPORT here: a bind succeeds only if nobody else holds the port
    # (another caproto server sharing it with SO_REUSEPORT would steal our search requests).
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.bind((LOOPBACK, port))
        except OSError:
            return False
    return True


class InlineCircuit(VirtualCircuit):
    """Handles each request as soon as it is read, instead of via caproto's per-circuit queue.

    caproto hands every command from the reading task to a second task through a queue and then
    notifies a condition nobody waits on: a few event-loop turns per request, a fair share of the
    IOC's CPU per round trip. Commands are still handled one at a time in arrival order (a
    put-with-callback runs in its own task, as before), so what a client sees is unchanged.
    """

    async def recv(self) -> None:
        try:
            data = await self.client.recv(4096)
        except OSError:
            data = b""
        commands, _ = self.circuit.recv(data)
        try:
            for command in commands:
                response = await self._command_queue_iteration(command)
                if response is not None:
                    await self.send(*response)
        except (DisconnectedCircuit, LoopExit):
            data = b""
        if not data:
            await self._on_disconnect()
            raise DisconnectedCircuit()

    async def _wake_new_command(self) -> None:
        """Nothing waits for this in the asyncio server."""


class LoopbackContext(Context):
    """caproto's asyncio server context, pinned to 127.0.0.1 and to one port."""

    CircuitClass = InlineCircuit

    def __init__(self, pvdb: dict[str, object], port: int) -> None:
        super().__init__(pvdb, interfaces=[LOOPBACK])
        self.requested_port = port
        self.listening = asyncio.Event()
        self._servers: list[asyncio.AbstractServer] = []

    async def _bind_tcp_sockets_with_consistent_port_number(
        self, make_socket: Callable[[str, int], Awaitable[socket.socket]]
    ) -> tuple[int, dict[str, socket.socket]]:
        if self.requested_port:
            if not _udp_port_free(self.requested_port):
                raise PortInUseError(f"UDP port {LOOPBACK}:{self.requested_port} is in use")
            try:
                sock = await make_socket(LOOPBACK, self.requested_port)
            except OSError as ex:
                raise PortInUseError(f"TCP port {LOOPBACK}:{self.requested_port} is in use: {ex}") from ex
            self.ca_server_port = self.requested_port
            return self.requested_port, {LOOPBACK: sock}
        for _ in range(50):
            sock = await make_socket(LOOPBACK, 0)
            port = sock.getsockname()[1]
            if _udp_port_free(port):
                self.ca_server_port = port
                return port, {LOOPBACK: sock}
            sock.close()
        raise PortInUseError("no free TCP+UDP port pair found on 127.0.0.1")

    async def server_accept_loop(self, sock: socket.socket) -> None:
        def new_client(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            writer.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            transport = _TransportWrapper(reader, writer)
            self.server_tasks.create(self.tcp_handler(transport, transport.getpeername()))

        self._servers.append(await asyncio.start_server(new_client, sock=sock))
        self.listening.set()

    async def broadcast_beacon_loop(self) -> None:
        """Beacons to 127.0.0.1 only; a refused datagram (no caRepeater listening) is not an error."""
        period, max_period = 0.02, float(self.environ["EPICS_CAS_BEACON_PERIOD"])
        while True:
            for _, sock in self.beacon_socks.values():
                beacon = caproto.Beacon(13, self.port, self.beacon_count, LOOPBACK)
                with contextlib.suppress(OSError):
                    await sock.send(self.broadcaster.send(beacon))
            self.beacon_count += 1
            period = min(max_period, period * 2)
            await asyncio.sleep(period)


async def serve(pvdb: dict[str, object], port: int, on_ready: Callable[[int], None]) -> None:
    """Serve until SIGTERM or SIGINT; ``on_ready(port)`` is called once the port accepts."""
    ctx = LoopbackContext(pvdb, port)
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)

    async def announce(async_lib: object) -> None:
        await ctx.listening.wait()
        on_ready(ctx.port)

    server = asyncio.create_task(ctx.run(startup_hook=announce))
    stopper = asyncio.create_task(stop.wait())
    done, _ = await asyncio.wait({server, stopper}, return_when=asyncio.FIRST_COMPLETED)
    if server in done:
        stopper.cancel()
        server.result()  # re-raises a start-up failure such as a busy port
        return
    log.info("signal received, shutting down")
    server.cancel()
    await asyncio.gather(server, return_exceptions=True)
