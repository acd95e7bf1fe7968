"""The API process's side of the worker: it takes items from the queue, has the worker process
run them one at a time, and keeps what they print and the state of the current scan.

The worker process (``worker_process``) owns the session and runs submitted code; this side owns
the queue database and never runs submitted code. Everything the worker sends is treated as
untrusted: it applies only to the item this side says is running, is checked against the event
models, and is bounded. Control (pause, resume, finish early, abort, stop all) goes on a channel
of its own that the worker answers from a thread of its own, so it acts within milliseconds even
while a scan floods the event channel. If the worker process dies, the running item is failed, a
new worker is started (a fresh namespace) and the queue is held.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ValidationError

from gda_bridge.core.errors import GdaBridgeError
from gda_bridge.server import isolation
from gda_bridge.server.channel import ChannelClosed
from gda_bridge.server.current_scan import ScanTracker
from gda_bridge.server.item_output import MAX_LINE, ItemOutput
from gda_bridge.server.models import CurrentScan, Item, ItemEvent, ItemStatus, ScanState
from gda_bridge.server.store import QueueStore
from gda_bridge.server.worker_connection import Connection, ControlError, InvalidSubmission, WorkerLaunch

__all__ = ["ControlError", "InvalidSubmission", "Worker", "WorkerLaunch"]

log = logging.getLogger("gda_bridge.server")

_FINAL = {s.value: s for s in (ItemStatus.COMPLETED, ItemStatus.FAILED, ItemStatus.ABORTED, ItemStatus.INTERRUPTED)}


class Worker:
    """Runs the queue's items in the worker process, one at a time, from its own thread."""

    def __init__(
        self,
        store: QueueStore,
        launch: WorkerLaunch,
        publish: Callable[[BaseModel], None],
        *,
        on_change: Callable[[], None] = lambda: None,
        held: bool = False,
    ) -> None:
        self.store = store
        self.launch = launch
        self.publish = publish
        self.on_change = on_change
        self._cond = threading.Condition()
        self._pending = True
        self._held = held
        self._stopping = False
        self._thread: threading.Thread | None = None
        self._conn: Connection | None = None
        # the running item (guarded by _lock)
        self._lock = threading.Lock()
        self._current: Item | None = None
        self._sink: ItemOutput | None = None
        self._done: tuple[str, str | None] | None = None
        self.scan = ScanTracker(publish)

    # --- lifecycle ----------------------------------------------------------------------------
    def start(self, timeout: float = 120.0) -> None:
        """Start the worker process and the queue thread; returns once the worker's JVM is up and
        the startup has run (its error is raised here)."""
        self._connect(timeout)
        self._thread = threading.Thread(target=self._main, name="gda-bridge-queue", daemon=True)
        self._thread.start()

    def _connect(self, timeout: float) -> None:
        first = self.store.max_scan_number() + 1
        conn = Connection(isolation.spawn(self.launch.user, self.launch.args(first), self.launch.need,
                                           self.launch.hide))
        self._conn = conn
        threading.Thread(target=conn.read_replies, name="gda-bridge-worker-replies", daemon=True).start()
        threading.Thread(target=self._read_events, args=(conn,), name="gda-bridge-worker-events", daemon=True).start()
        if not conn.ready.wait(timeout):
            conn.process.kill()
            raise GdaBridgeError(f"the worker process did not start within {timeout:.0f} s")
        if conn.error is not None:
            code = conn.close(10)
            raise GdaBridgeError(f"the worker process could not start (exit status {code}): {conn.error}")
        user = self.launch.user
        if user.separate and conn.uid != user.uid:
            conn.process.kill()
            raise GdaBridgeError(f"the worker process runs as uid {conn.uid}, not as {user.name} ({user.uid})")
        (log.info if user.separate else log.warning)("%s", isolation.describe(user))

    def stop(self, timeout: float = 10.0) -> None:
        """Stop taking items; a running item is aborted and marked interrupted."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        conn = self._conn
        if conn is not None:
            with contextlib.suppress(ControlError):
                conn.request("shutdown")
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                log.warning("the queue thread did not stop within %.0f s", timeout)
        if conn is not None:
            conn.close(timeout)

    def notify(self) -> None:
        """Something was queued."""
        with self._cond:
            self._pending = True
            self._cond.notify_all()

    def hold(self, held: bool) -> None:
        """Held: the running item finishes, no new one starts."""
        with self._cond:
            self._held = held
            self._pending = True
            self._cond.notify_all()
        self.on_change()

    @property
    def held(self) -> bool:
        return self._held

    # --- the queue thread ---------------------------------------------------------------------
    def _main(self) -> None:
        while True:
            with self._cond:
                while not self._stopping and self._connected() and (self._held or not self._pending):
                    self._cond.wait()
                if self._stopping:
                    return
                self._pending = False
            if not self._connected():
                self._restart()
                continue
            for queued in self.store.queued():
                if self._held or self._stopping:
                    break
                item = self.store.start(queued.id)
                if item is not None:
                    self._run(item)
                    with self._cond:
                        self._pending = True
                    break

    def _connected(self) -> bool:
        return self._conn is not None and self._conn.alive

    def _restart(self) -> None:
        old = self._conn
        code = old.close(5) if old is not None else None
        log.error("the worker process ended (exit status %s); starting a new one, the queue stays held", code)
        self.hold(True)
        try:
            self._connect(120)
        except GdaBridgeError as exc:
            log.error("%s; no items can run until the server is restarted", exc)
            with self._cond:
                self._stopping = True
        self.on_change()

    def _run(self, item: Item) -> None:
        sink = ItemOutput(item.id, self.store, self.publish)
        with self._lock:
            self._current, self._sink, self._done = item, sink, None
        self.publish(ItemEvent(item=item))
        self.on_change()
        log.info("item %d started: %s", item.id, item.text)
        conn = self._conn
        status, error = ItemStatus.FAILED, None
        try:
            conn.request("run", item={"id": item.id, "kind": item.kind, "text": item.text, "args": item.args,
                                      "owner": item.owner})
        except ControlError as exc:
            if conn.alive:
                error = f"the worker process did not take the item: {exc}"
        if error is None:  # taken, or the process died taking it (os._exit() at once)
            with self._cond:
                while self._done is None and conn.alive:
                    self._cond.wait(0.5)
                    if self._stopping and conn.process.poll() is not None:
                        break
            if self._done is not None:
                status, error = _FINAL.get(self._done[0], ItemStatus.FAILED), self._done[1]
            elif self._stopping:
                status, error = ItemStatus.INTERRUPTED, "the server stopped while this item was running"
            else:
                error = (f"the worker process ended (exit status {conn.exit_status()}) while this item ran; a new "
                         "one is started with a fresh namespace and the queue is held")
        sink.flush()
        with self._lock:
            self._current, self._sink = None, None
        self.scan.ended()
        done = self.store.finish(item.id, status, error)
        log.info("item %d %s%s", item.id, status.value, f": {error}" if error else "")
        self.publish(ItemEvent(item=done))
        self.on_change()

    # --- what the worker process sends ----------------------------------------------------------
    def _read_events(self, conn: Connection) -> None:
        try:
            while True:
                message = conn.events.receive()
                try:
                    self._on_message(conn, message)
                except (ValidationError, KeyError, TypeError, ValueError) as exc:
                    log.warning("ignored a malformed message from the worker process: %s", str(exc)[:200])
        except ChannelClosed as exc:
            if not conn.ready.is_set():
                conn.error = conn.error or f"it ended before it was ready ({exc})"
        finally:
            conn.alive = False
            conn.ready.set()
            with self._cond:
                self._pending = True
                self._cond.notify_all()

    def _on_message(self, conn: Connection, message: dict[str, Any]) -> None:
        kind = message.get("type")
        if kind == "lines":
            sink = self._sink
            if sink is not None:
                sink.add([str(text) for text in message["texts"]])
        elif kind == "scan_points":
            self.scan.points(message)
        elif kind == "scan_start":
            self._on_scan_start(message)
        elif kind == "scan_stop":
            self.scan.stop(message)
            self.on_change()
        elif kind in ("scan_suspended", "scan_resumed"):
            self.scan.suspension(message)
        elif kind == "done":
            with self._cond:
                current = self._current
                if current is not None and message.get("id") == current.id:
                    self._done = (str(message.get("status")), None if message.get("error") is None
                                  else str(message["error"])[:MAX_LINE])
                    self._cond.notify_all()
        elif kind == "ready" and not conn.ready.is_set():
            conn.uid = message.get("uid") if isinstance(message.get("uid"), int) else None
            conn.ready.set()
        elif kind == "startup_failed" and not conn.ready.is_set():
            conn.error = str(message.get("error"))[:MAX_LINE]
            log.error("the worker process's startup failed:\n%s", str(message.get("traceback", ""))[:MAX_LINE])
            conn.ready.set()
        else:
            log.warning("ignored a message of type %r from the worker process", str(kind)[:40])

    def _on_scan_start(self, message: dict[str, Any]) -> None:
        item = self._current
        event = self.scan.start(message, item.id if item is not None else None)
        if item is not None and event.scan_number is not None:
            item.scan_numbers.append(event.scan_number)
            # at once, so the numbers of a scan cut short by a crash are not given out again
            self.store.set_scan_numbers(item.id, list(item.scan_numbers))
        self.on_change()

    # --- reading --------------------------------------------------------------------------------
    def current_scan(self) -> CurrentScan | None:
        return self.scan.current()

    def scan_state(self) -> ScanState | None:
        return self.scan.state()

    def current(self) -> Item | None:
        with self._lock:
            if self._current is None:
                return None
            item = self._current.model_copy(deep=True)
            item.output = list(self._sink.lines) if self._sink is not None else []
            return item

    @property
    def state(self) -> str:
        conn = self._conn
        if conn is None or not conn.alive or not conn.ready.is_set():
            return "starting"
        return "running" if self._current is not None else "idle"

    def check(self, kind: str, text: str) -> float | None:
        """Refuse at submission what cannot run: a syntax error, an unknown macro. A single scan
        command's estimated seconds come back (None for anything else)."""
        conn = self._conn
        if conn is None:
            raise ControlError("the worker process is not running")
        answer = conn.request("check", timeout=30.0, kind=kind, text=text)
        if answer.get("invalid"):
            raise InvalidSubmission(str(answer["invalid"]))
        if answer.get("error"):
            raise ControlError(str(answer["error"]))
        estimate = answer.get("estimate")
        if isinstance(estimate, (int, float)) and not isinstance(estimate, bool) and 0 <= estimate < 1e9:
            return float(estimate)
        return None

    # --- control (any thread) -----------------------------------------------------------------
    def _control(self, op: str) -> dict[str, Any]:
        conn = self._conn
        if conn is None:
            raise ControlError("the worker process is not running")
        answer = conn.request(op)
        if answer.get("error"):
            raise ControlError(str(answer["error"]))
        return answer

    def pause(self) -> None:
        self._control("pause")
        self.scan.paused(True)
        self.on_change()

    def resume(self) -> None:
        self._control("resume")
        self.scan.paused(False)
        self.on_change()

    def finish_early(self) -> None:
        self._control("finish_early")

    def abort(self) -> None:
        """Abort the running item: its scan if one runs, else its Python code."""
        if self._current is None:
            raise ControlError("nothing is running")
        self._control("abort")

    def stop_all(self) -> list[str]:
        """Hold the queue, abort what runs and stop every device of the namespace: the worker's
        control thread does it at once, whatever the item is doing."""
        with self._cond:
            self._held = True
            self._pending = True
            self._cond.notify_all()
        answer = self._control("stop_all")
        stopped = [str(n) for n in answer.get("stopped", [])]
        log.warning("stop-all: stopped %s", ", ".join(stopped) or "no devices")
        self.on_change()
        return stopped
