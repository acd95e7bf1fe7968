"""The one thread that owns the engine: it takes items from the queue and runs them, one at a
time, in the server's shared namespace, and keeps what they print.

Control from other threads: pause, resume, finish-early and abort act on the running scan; an
abort while a macro runs Python code between scans raises ``ScanAbortedError`` in the worker
thread at its next Python line (a blocking call such as ``time.sleep`` finishes first).
"""

from __future__ import annotations

import ast
import contextlib
import ctypes
import io
import logging
import re
import sys
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from gda_bridge.bridge import ensure_jvm
from gda_bridge.commands import devices as dev
from gda_bridge.core.documents import Document, ScanPoint, ScanStart, ScanStop
from gda_bridge.core.errors import GdaBridgeError, ScanAbortedError
from gda_bridge.scans.context import ScanContext
from gda_bridge.server.events import DocumentEvents, columns_of, plain
from gda_bridge.server.models import (
    CurrentScan,
    Item,
    ItemEvent,
    ItemStatus,
    OutputEvent,
    ScanState,
)
from gda_bridge.server.store import QueueStore

log = logging.getLogger("gda_bridge.server")

MAX_OUTPUT_LINES = 50_000
"""Lines kept per item; later ones are dropped (with one note)."""
MAX_POINTS_KEPT = 100_000
"""Points of the current scan kept for clients that join mid-scan."""
_FLUSH_EVERY = 1.0


def identity(text: str) -> str:
    return text


class ControlError(GdaBridgeError, RuntimeError):
    """A control request that does not apply now (no scan running, nothing to abort)."""


class _ItemOutput:
    """The output lines of one running item: kept, sent live, written to SQLite in batches."""

    def __init__(self, item_id: int, store: QueueStore, publish: Callable[[BaseModel], None]) -> None:
        self.item_id = item_id
        self.store = store
        self.publish = publish
        self.lines: list[str] = []
        self._flushed = 0
        self._last_flush = time.monotonic()
        self._partial = ""
        self._lock = threading.Lock()

    def line(self, text: str) -> None:
        with self._lock:
            if len(self.lines) > MAX_OUTPUT_LINES:
                return
            if len(self.lines) == MAX_OUTPUT_LINES:
                text = f"... output truncated after {MAX_OUTPUT_LINES} lines"
            self.lines.append(text)
            seq = len(self.lines) - 1
        self.publish(OutputEvent(item_id=self.item_id, seq=seq, line=text))
        if time.monotonic() - self._last_flush > _FLUSH_EVERY:
            self.flush()

    def write(self, text: str) -> None:
        """Text written to stdout: whole lines go out, a partial line waits for its end."""
        parts = (self._partial + text).split("\n")
        self._partial = parts.pop()
        for p in parts:
            self.line(p)

    def flush(self) -> None:
        with self._lock:
            new = self.lines[self._flushed:]
            first = self._flushed
            self._flushed = len(self.lines)
            self._last_flush = time.monotonic()
        if new:
            self.store.append_output(self.item_id, first, new)

    def close(self) -> None:
        if self._partial:
            self.line(self._partial)
            self._partial = ""
        self.flush()


class _RoutedStdout(io.TextIOBase):
    """sys.stdout while the server runs: what the worker thread prints goes to its item."""

    def __init__(self, original: Any, route: Callable[[], _ItemOutput | None]) -> None:
        self.original = original
        self.route = route

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        sink = self.route()
        if sink is None:
            return self.original.write(text)
        sink.write(text)
        return len(text)

    def flush(self) -> None:
        if self.route() is None:
            self.original.flush()


class _WorkerLogHandler(logging.Handler):
    """Warnings and errors logged on the worker thread also go to the running item's output."""

    def __init__(self, route: Callable[[], _ItemOutput | None]) -> None:
        super().__init__(logging.WARNING)
        self.route = route

    def emit(self, record: logging.LogRecord) -> None:
        sink = self.route()
        if sink is not None:
            sink.line(f"[{record.levelname.lower()}] {record.name}: {record.getMessage()}")


def _raise_in_thread(thread_id: int, exc: type[BaseException] | None) -> None:
    """Schedule ``exc`` in another Python thread (None: cancel a pending one)."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread_id), ctypes.py_object(exc) if exc is not None else ctypes.c_void_p(0)
    )


def _source_of_command(text: str, filename: str) -> tuple[Any, Any]:
    """Compile a command: its statements, and its last expression separately so its value can be
    shown as the console would."""
    tree = ast.parse(text, filename, "exec")
    last = None
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        last = ast.Expression(tree.body.pop().value)
    body = compile(tree, filename, "exec")
    return body, (compile(last, filename, "eval") if last is not None else None)


class Worker:
    """Runs the queue's items on its own thread; the only thread that runs scans."""

    def __init__(
        self,
        store: QueueStore,
        ctx: ScanContext,
        namespace: dict[str, Any],
        publish: Callable[[BaseModel], None],
        *,
        translate: Callable[[str], str] = identity,
        scripts_dir: Path | None = None,
        startup: Path | None = None,
        prepare: Callable[[], None] | None = None,
        on_change: Callable[[], None] = lambda: None,
        held: bool = False,
    ) -> None:
        self.store = store
        self.ctx = ctx
        self.namespace = namespace
        self.publish = publish
        self.translate = translate
        self.scripts_dir = scripts_dir
        self.startup = startup
        self.prepare = prepare
        self.on_change = on_change
        self._cond = threading.Condition()
        self._pending = True
        self._held = held
        self._stopping = False
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._startup_error: BaseException | None = None
        # the running item (guarded by _lock)
        self._lock = threading.Lock()
        self._current: Item | None = None
        self._sink: _ItemOutput | None = None
        self._abort_requested = False
        self._async_sent = False
        self._in_user_code = False
        # the current scan, for status and late joiners (guarded by _scan_lock)
        self._scan_lock = threading.Lock()
        self._scan: CurrentScan | None = None
        self._scan_running = False
        self._scan_paused = False
        self._undo: list[Callable[[], None]] = []

    # --- lifecycle ----------------------------------------------------------------------------
    def start(self, timeout: float = 120.0) -> None:
        """Start the thread; returns once the JVM is up and the startup script has run (its error
        is raised here)."""
        original_output = self.ctx.output
        self.ctx.output = lambda line: self._route_line(line, original_output)
        stdout = _RoutedStdout(sys.stdout, self._route)
        sys.stdout = stdout
        handler = _WorkerLogHandler(self._route)
        logging.getLogger().addHandler(handler)
        unsubscribe_scan = self.ctx.stream.subscribe(self._on_document)
        unsubscribe_events = self.ctx.stream.subscribe(DocumentEvents(self.publish, self._current_id))

        def undo() -> None:
            unsubscribe_events()
            unsubscribe_scan()
            logging.getLogger().removeHandler(handler)
            if sys.stdout is stdout:
                sys.stdout = stdout.original
            self.ctx.output = original_output

        self._undo.append(undo)
        self._thread = threading.Thread(target=self._main, name="gda-bridge-worker", daemon=True)
        self._thread.start()
        if not self._ready.wait(timeout):
            raise GdaBridgeError(f"the worker did not start within {timeout:.0f} s")
        if self._startup_error is not None:
            raise self._startup_error

    def stop(self, timeout: float = 10.0) -> None:
        """Stop taking items; a running item is aborted and marked interrupted."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        with contextlib.suppress(ControlError):
            self.abort()
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                log.warning("the worker thread did not stop within %.0f s", timeout)
        for undo in reversed(self._undo):
            undo()
        self._undo.clear()

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

    # --- the thread ---------------------------------------------------------------------------
    def _main(self) -> None:
        try:
            ensure_jvm()
            if self.prepare is not None:  # the configuration's start-up scripts, run GDA-style
                self.prepare()
            if self.startup is not None:
                self._exec_file(self.startup, [])
        except BaseException as exc:  # reported by start()
            self._startup_error = exc
            self._ready.set()
            return
        self._ready.set()
        while True:
            with self._cond:
                while not self._stopping and (self._held or not self._pending):
                    self._cond.wait()
                if self._stopping:
                    return
                self._pending = False
            for queued in self.store.queued():
                if self._held or self._stopping:
                    break
                item = self.store.start(queued.id)
                if item is not None:
                    self._run(item)
                    with self._cond:
                        self._pending = True
                    break

    def _run(self, item: Item) -> None:
        sink = _ItemOutput(item.id, self.store, self.publish)
        with self._lock:
            self._current, self._sink = item, sink
            self._abort_requested = self._async_sent = False
        self.publish(ItemEvent(item=item))
        self.on_change()
        log.info("item %d started: %s", item.id, item.text)
        status, error = ItemStatus.COMPLETED, None
        try:
            try:
                with self._lock:
                    self._in_user_code = True
                self._execute(item)
            finally:
                with self._lock:
                    self._in_user_code = False
                    _raise_in_thread(threading.get_ident(), None)
        except (ScanAbortedError, KeyboardInterrupt):
            status, error = ItemStatus.ABORTED, "aborted on request"
        except SystemExit as exc:
            if exc.code not in (None, 0):
                status, error = ItemStatus.FAILED, f"SystemExit: {exc.code}"
        except BaseException as exc:
            status, error = ItemStatus.FAILED, f"{type(exc).__name__}: {exc}"
            tb = exc.__traceback__
            while tb is not None and tb.tb_frame.f_code.co_filename == __file__:
                tb = tb.tb_next  # the worker's own frames say nothing to the user
            for line in traceback.format_exception(type(exc), exc, tb):
                for part in line.rstrip("\n").split("\n"):
                    sink.line(part)
        if self._abort_requested:
            status = ItemStatus.INTERRUPTED if self._stopping else ItemStatus.ABORTED
            error = "the server stopped while this item was running" if self._stopping else "aborted on request"
        sink.close()
        with self._lock:
            self._current, self._sink = None, None
        done = self.store.finish(item.id, status, error)
        log.info("item %d %s%s", item.id, status.value, f": {error}" if error else "")
        self.publish(ItemEvent(item=done))
        self.on_change()

    def _execute(self, item: Item) -> None:
        if item.kind == "command":
            body, last = _source_of_command(self.translate(item.text), f"<item {item.id}>")
            exec(body, self.namespace)
            if last is not None:
                value = eval(last, self.namespace)
                sink = self._route()
                if value is not None and sink is not None:
                    sink.line(repr(value))
        elif item.kind == "script":
            self._exec_source(item.text, f"<item {item.id}>", [f"<item {item.id}>"])
        else:
            self._exec_file(self.script_path(item.text), item.args)

    def _exec_source(self, text: str, filename: str, argv: list[str]) -> None:
        code = compile(self.translate(text), filename, "exec")
        saved = sys.argv
        sys.argv = argv
        try:
            exec(code, self.namespace)
        finally:
            sys.argv = saved

    def _exec_file(self, path: Path, args: list[str]) -> None:
        self._exec_source(path.read_text(), str(path), [str(path), *args])

    def script_path(self, name: str) -> Path:
        """The file of a macro in the scripts directory (``name`` or ``name.py``)."""
        if self.scripts_dir is None:
            raise ControlError("this server has no scripts directory (start it with --scripts DIR)")
        if not re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]*", name):
            raise ControlError(f"macro name {name!r}: only letters, digits, '_', '.', '-'")
        root = self.scripts_dir.resolve()
        for candidate in (root / name, root / f"{name}.py"):
            if candidate.is_file() and candidate.resolve().parent == root:
                return candidate
        raise ControlError(f"no macro {name!r} in {self.scripts_dir}")

    def check(self, kind: str, text: str) -> None:
        """Refuse at submission what cannot run: a syntax error, an unknown macro."""
        if kind == "macro":
            self.script_path(text)
        elif kind == "command":
            _source_of_command(self.translate(text), "<command>")
        else:
            compile(self.translate(text), "<script>", "exec")

    # --- output routing -----------------------------------------------------------------------
    def _route(self) -> _ItemOutput | None:
        if self._thread is None or threading.get_ident() != self._thread.ident:
            return None
        return self._sink

    def _route_line(self, line: str, fallback: Callable[[str], None]) -> None:
        sink = self._route()
        if sink is None:
            fallback(line)
        else:
            sink.line(line)

    def _current_id(self) -> int | None:
        current = self._current
        return current.id if current is not None else None

    # --- the current scan ---------------------------------------------------------------------
    def _on_document(self, doc: Document) -> None:
        with self._scan_lock:
            if isinstance(doc, ScanStart):
                item = self._current
                if item is not None and doc.scan_number is not None:
                    item.scan_numbers.append(doc.scan_number)
                    # at once, so the numbers of a scan cut short by a crash are not given out again
                    self.store.set_scan_numbers(item.id, list(item.scan_numbers))
                self._scan = CurrentScan(
                    item_id=item.id if item is not None else None, scan_number=doc.scan_number,
                    command=doc.command, columns=columns_of(doc), num_points=doc.num_points, points=[],
                )
                self._scan_running, self._scan_paused = True, False
            elif isinstance(doc, ScanPoint) and self._scan is not None:
                if len(self._scan.points) < MAX_POINTS_KEPT:
                    self._scan.points.append({k: plain(v) for k, v in doc.data.items()})
            elif isinstance(doc, ScanStop) and self._scan is not None:
                self._scan.status = doc.status.value
                self._scan_running, self._scan_paused = False, False
        if not isinstance(doc, ScanPoint):
            self.on_change()

    def current_scan(self) -> CurrentScan | None:
        with self._scan_lock:
            return None if self._scan is None else self._scan.model_copy(deep=True)

    def scan_state(self) -> ScanState | None:
        with self._scan_lock:
            if self._scan is None or not self._scan_running:
                return None
            return ScanState(
                item_id=self._scan.item_id, scan_number=self._scan.scan_number, command=self._scan.command,
                state="paused" if self._scan_paused else "running", points_done=len(self._scan.points),
                num_points=self._scan.num_points,
            )

    def current(self) -> Item | None:
        with self._lock:
            if self._current is None:
                return None
            item = self._current.model_copy(deep=True)
            item.output = list(self._sink.lines) if self._sink is not None else []
            return item

    @property
    def state(self) -> str:
        if not self._ready.is_set():
            return "starting"
        return "running" if self._current is not None else "idle"

    # --- control (any thread) -----------------------------------------------------------------
    def _running_scan(self) -> Any:
        scan = self.ctx.running
        if scan is None:
            raise ControlError("no scan is running")
        return scan

    def pause(self) -> None:
        self._running_scan().request_pause()
        with self._scan_lock:
            self._scan_paused = True
        self.on_change()

    def resume(self) -> None:
        self._running_scan().request_resume()
        with self._scan_lock:
            self._scan_paused = False
        self.on_change()

    def finish_early(self) -> None:
        self._running_scan().request_finish_early()

    def abort(self) -> None:
        """Abort the running item: its scan if one runs, else its Python code."""
        with self._lock:
            if self._current is None:
                raise ControlError("nothing is running")
            self._abort_requested = True
            scan = self.ctx.running
            if scan is not None:
                scan.abort_on_request()
            elif self._in_user_code and not self._async_sent and self._thread is not None:
                self._async_sent = True
                _raise_in_thread(self._thread.ident, ScanAbortedError)

    def stop_all(self) -> list[str]:
        """Hold the queue, abort what runs and stop every device of the namespace."""
        self.hold(True)
        with contextlib.suppress(ControlError):
            self.abort()
        stopped = []
        seen: set[int] = set()
        for name, value in list(self.namespace.items()):
            if name.startswith("_") or id(value) in seen or not dev.is_scannable(value):
                continue
            seen.add(id(value))
            try:
                dev.call_hook(value, "stop")
                stopped.append(name)
            except Exception:
                log.exception("stop-all: stopping %s failed", name)
        log.warning("stop-all: stopped %s", ", ".join(stopped) or "no devices")
        return stopped
