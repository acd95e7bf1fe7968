"""The narrow channel between the API process and the worker process: JSON objects, one per line,
over a Unix stream socket (one end of a socketpair inherited by the worker).

Two channels connect them. *control*: the API sends requests ``{"id": n, "op": ...}`` and the
worker answers each with ``{"id": n, ...}`` (ops: run, check, pause, resume, finish_early, abort,
stop_all, shutdown); it carries nothing else, so an emergency stop never waits behind scan data.
*events*: the worker streams ``{"type": ...}`` messages (ready, startup_failed, line, scan_start,
scan_point, scan_stop, done). The API process treats everything that arrives as untrusted: the
worker runs submitted code, which can write to its end of the socket.
"""

from __future__ import annotations

import json
import queue
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

MAX_MESSAGE = 8 * 1024 * 1024
"""The longest message line accepted (bytes); a longer one ends the channel."""


class ChannelClosed(ConnectionError):
    """The other end closed the channel (or sent something that is not a message)."""


class Channel:
    """One end of a socket carrying JSON objects; ``send`` is safe from any thread."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self._send_lock = threading.Lock()
        self._reader = sock.makefile("rb")

    def send(self, message: dict[str, Any]) -> None:
        self.send_many([message])

    def send_many(self, messages: list[dict[str, Any]]) -> None:
        data = b"".join(json.dumps(m, separators=(",", ":")).encode() + b"\n" for m in messages)
        try:
            with self._send_lock:
                self.sock.sendall(data)
        except OSError as exc:
            raise ChannelClosed(str(exc)) from exc

    def receive(self) -> dict[str, Any]:
        """The next message; raises ChannelClosed at the end or on anything malformed."""
        try:
            line = self._reader.readline(MAX_MESSAGE + 1)
        except (OSError, ValueError) as exc:
            raise ChannelClosed(str(exc)) from exc
        if not line:
            raise ChannelClosed("the other end closed the channel")
        if len(line) > MAX_MESSAGE or not line.endswith(b"\n"):
            raise ChannelClosed(f"a message longer than {MAX_MESSAGE} bytes")
        try:
            message = json.loads(line)
        except ValueError as exc:
            raise ChannelClosed(f"not a JSON message: {exc}") from exc
        if not isinstance(message, dict):
            raise ChannelClosed("a message that is not a JSON object")
        return message

    def close(self) -> None:
        for close in (self._reader.close, lambda: self.sock.shutdown(socket.SHUT_RDWR), self.sock.close):
            try:
                close()
            except OSError:
                pass


class QueuedSender:
    """Sends on a channel from its own thread, so the thread that produces messages (a scan making
    a point every few microseconds) never blocks on the socket; messages keep their order.

    With ``linger`` > 0, a message for which ``pageable`` is true waits until ``linger`` seconds
    after the previous send for others to join it, and ``merge`` turns each batch into what is
    sent (see ``paging``); any other message ends the wait, so it is never delayed."""

    def __init__(
        self,
        channel: Channel,
        *,
        linger: float = 0.0,
        pageable: Callable[[dict[str, Any]], bool] = lambda message: False,
        merge: Callable[[list[dict[str, Any]]], list[dict[str, Any]]] = lambda batch: batch,
        max_batch: int = 5000,
    ) -> None:
        self.channel = channel
        self.linger = linger
        self.pageable = pageable
        self.merge = merge
        self.max_batch = max_batch
        self._queue: queue.SimpleQueue[dict[str, Any] | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="gda-bridge-channel-sender", daemon=True)
        self._thread.start()

    def send(self, message: dict[str, Any]) -> None:
        self._queue.put(message)

    def _collect(self, last_sent: float) -> list[dict[str, Any] | None]:
        batch = [self._queue.get()]
        until = last_sent + self.linger
        while len(batch) < self.max_batch:
            last = batch[-1]
            wait = until - time.monotonic()
            try:
                if last is not None and wait > 0 and self.pageable(last):
                    batch.append(self._queue.get(timeout=wait))
                else:
                    batch.append(self._queue.get_nowait())
            except queue.Empty:
                break
        return batch

    def _run(self) -> None:
        last_sent = 0.0
        while True:
            batch = self._collect(last_sent)
            done = None in batch
            messages = self.merge([m for m in batch if m is not None])
            try:
                if messages:
                    self.channel.send_many(messages)
            except ChannelClosed:
                return
            last_sent = time.monotonic()
            if done:
                return

    def close(self, timeout: float = 5.0) -> None:
        """Send what is queued, then stop."""
        self._queue.put(None)
        self._thread.join(timeout)
