"""The worker process: it owns the session (devices, engine, data files, analysis) and runs the
items the API process sends it, one at a time, in one shared namespace, as GDA's Jython server did.

It holds no secret: the API process keeps the tokens, the queue database and the baton, and
started this process with only the two channel sockets open, an environment without secrets and,
when the server runs as root, as another user (see ``isolation``). Submitted code may do anything
this process can do; that is the point of a scripting server.

Threads: the main thread runs the startup and then the items (it is the engine's thread); the
control thread answers the API's requests at once, whatever the main thread is doing, so pause,
abort and stop-all act within milliseconds even during a scan.
"""

from __future__ import annotations

import argparse
import ast
import ctypes
import importlib
import io
import itertools
import logging
import os
import queue
import re
import socket
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gda_bridge.core.errors import ScanAbortedError
from gda_bridge.core.scan_numbers import ScanNumberSource
from gda_bridge.server import paging
from gda_bridge.server.channel import Channel, ChannelClosed, QueuedSender

log = logging.getLogger("gda_bridge.server.worker")


class Refused(Exception):  # noqa: N818 - a refused request, answered with its message
    """A request that does not apply now (no scan running, nothing to abort, unknown macro)."""


def _raise_in_thread(thread_id: int, exc: type[BaseException] | None) -> None:
    """Schedule ``exc`` in another Python thread (None: cancel a pending one)."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread_id), ctypes.py_object(exc) if exc is not None else ctypes.c_void_p(0)
    )


def source_of_command(text: str, filename: str) -> tuple[Any, Any]:
    """Compile a command: its statements, and its last expression separately so its value can be
    shown as the console would."""
    tree = ast.parse(text, filename, "exec")
    last = None
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        last = ast.Expression(tree.body.pop().value)
    body = compile(tree, filename, "exec")
    return body, (compile(last, filename, "eval") if last is not None else None)


class _Lines:
    """What the item thread prints: whole lines go to the API process, a partial line waits."""

    def __init__(self, send: Callable[[dict[str, Any]], None]) -> None:
        self.send = send
        self._partial = ""

    def line(self, text: str) -> None:
        self.send({"type": "line", "text": text})

    def write(self, text: str) -> None:
        parts = (self._partial + text).split("\n")
        self._partial = parts.pop()
        for p in parts:
            self.line(p)

    def close(self) -> None:
        if self._partial:
            self.line(self._partial)
            self._partial = ""


class _RoutedStdout(io.TextIOBase):
    """sys.stdout: what the item thread prints goes to its item, the rest to the real stdout."""

    def __init__(self, original: Any, route: Callable[[], _Lines | None]) -> None:
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


class _ItemLogHandler(logging.Handler):
    """Warnings and errors logged on the item thread also go to the running item's output."""

    def __init__(self, route: Callable[[], _Lines | None]) -> None:
        super().__init__(logging.WARNING)
        self.route = route

    def emit(self, record: logging.LogRecord) -> None:
        sink = self.route()
        if sink is not None:
            sink.line(f"[{record.levelname.lower()}] {record.name}: {record.getMessage()}")


class Engine:
    """The session and the item loop of the worker process."""

    def __init__(self, control: Channel, events: QueuedSender, args: argparse.Namespace) -> None:
        from gda_bridge.session import Session, demo_devices

        self.control = control
        self.events = events
        self.scripts_dir = Path(args.scripts) if args.scripts else None
        self.startup = Path(args.startup) if args.startup else None
        if args.config:
            self.session = Session.from_config(args.config)
        else:
            self.session = Session()
            self.session.add_devices(demo_devices())
        self.ctx = self.session.ctx
        self.namespace = self.session.namespace
        numbering = getattr(self.ctx.next_scan_number, "__self__", None)
        if args.first_scan_number and not isinstance(numbering, ScanNumberSource):
            # no data folder numbering (no scan files): keep the queue's numbers growing
            self.ctx.next_scan_number = itertools.count(args.first_scan_number).__next__
        if args.translate:
            module, _, name = args.translate.partition(":")
            self.translate: Callable[[str], str] = getattr(importlib.import_module(module), name)
        else:
            self.translate = lambda text: self.session.translate(text, "<queue item>")
        self._runs: queue.SimpleQueue[dict[str, Any] | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._item_id: int | None = None
        self._owner: str | None = None
        self._sink: _Lines | None = None
        self._in_user_code = False
        self._abort_requested = False
        self._async_sent = False
        self._stopping = False
        self._main_thread = threading.get_ident()

    # --- wiring the session to the channel ----------------------------------------------------
    def _route(self) -> _Lines | None:
        return self._sink if threading.get_ident() == self._main_thread else None

    def _wire(self) -> None:
        from gda_bridge.server.events import DocumentEvents

        original_output = self.ctx.output

        def output(line: str) -> None:
            sink = self._route()
            if sink is None:
                original_output(line)
            else:
                sink.line(line)

        self.ctx.output = output
        sys.stdout = _RoutedStdout(sys.stdout, self._route)
        logging.getLogger().addHandler(_ItemLogHandler(self._route))
        self.ctx.stream.subscribe(DocumentEvents(self.events.send))
        self.ctx.metadata_providers.append(self._item_user)

    def _item_user(self) -> dict[str, Any]:
        """The file's user is who queued the item, not the worker process's OS user (``nobody``)."""
        return {} if self._owner is None else {"queued_by": self._owner}

    # --- the main thread ----------------------------------------------------------------------
    def run(self) -> None:
        from gda_bridge.bridge import ensure_jvm

        self._wire()
        threading.Thread(target=self._serve_control, name="gda-bridge-worker-control", daemon=True).start()
        try:
            ensure_jvm()
            self.session.run_startup()
            if self.startup is not None:
                self._exec_file(self.startup, [])
        except BaseException as exc:
            tb = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
            self.events.send({"type": "startup_failed", "error": f"{type(exc).__name__}: {exc}", "traceback": tb})
            return
        self.events.send({"type": "ready", "pid": os.getpid(), "uid": os.getuid()})
        while True:
            request = self._runs.get()
            if request is None:
                return
            self._run_item(request)

    def _run_item(self, item: dict[str, Any]) -> None:
        sink = _Lines(self.events.send)
        with self._lock:
            self._item_id, self._sink, self._owner = item["id"], sink, item.get("owner")
            self._abort_requested = self._async_sent = False
        status, error = "completed", None
        try:
            try:
                with self._lock:
                    self._in_user_code = True
                self._execute(item)
            finally:
                with self._lock:
                    self._in_user_code = False
                    _raise_in_thread(threading.get_ident(), None)
        except (Refused, KeyboardInterrupt) as exc:
            status, error = ("failed", str(exc)) if isinstance(exc, Refused) else ("aborted", "aborted on request")
        except SystemExit as exc:
            if exc.code not in (None, 0):
                status, error = "failed", f"SystemExit: {exc.code}"
        except BaseException as exc:
            if isinstance(exc, ScanAbortedError):
                status, error = "aborted", "aborted on request"
            else:
                status, error = "failed", f"{type(exc).__name__}: {exc}"
                tb = exc.__traceback__
                while tb is not None and tb.tb_frame.f_code.co_filename == __file__:
                    tb = tb.tb_next  # the worker's own frames say nothing to the user
                for line in traceback.format_exception(type(exc), exc, tb):
                    for part in line.rstrip("\n").split("\n"):
                        sink.line(part)
        if self._abort_requested:
            status = "interrupted" if self._stopping else "aborted"
            error = "the server stopped while this item was running" if self._stopping else "aborted on request"
        sink.close()
        with self._lock:
            self._item_id, self._sink, self._owner = None, None, None
        self.events.send({"type": "done", "id": item["id"], "status": status, "error": error})

    def _execute(self, item: dict[str, Any]) -> None:
        kind, text = item["kind"], item["text"]
        if kind == "command":
            body, last = source_of_command(self.translate(text), f"<item {item['id']}>")
            exec(body, self.namespace)
            if last is not None:
                value = eval(last, self.namespace)
                sink = self._route()
                if value is not None and sink is not None:
                    sink.line(repr(value))
        elif kind == "script":
            self._exec_source(text, f"<item {item['id']}>", [f"<item {item['id']}>"])
        else:
            self._exec_file(self.script_path(text), [str(a) for a in item.get("args", [])])

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
            raise Refused("this server has no scripts directory (start it with --scripts DIR)")
        if not re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]*", name):
            raise Refused(f"macro name {name!r}: only letters, digits, '_', '.', '-'")
        root = self.scripts_dir.resolve()
        for candidate in (root / name, root / f"{name}.py"):
            if candidate.is_file() and candidate.resolve().parent == root:
                return candidate
        raise Refused(f"no macro {name!r} in {self.scripts_dir}")

    # --- the control thread -------------------------------------------------------------------
    def _serve_control(self) -> None:
        while True:
            try:
                request = self.control.receive()
            except ChannelClosed:
                self._orphaned()
                return
            answer: dict[str, Any] = {"id": request.get("id")}
            try:
                answer.update(self._answer(request))
            except Refused as exc:
                answer["error"] = str(exc)
            except SyntaxError as exc:
                line = f" (line {exc.lineno})" if exc.lineno is not None else ""
                answer["invalid"] = f"SyntaxError: {exc.msg}{line}"
            except Exception as exc:  # a request must always be answered
                log.exception("control request %s failed", request.get("op"))
                answer["error"] = f"{type(exc).__name__}: {exc}"
            try:
                self.control.send(answer)
            except ChannelClosed:
                self._orphaned()
                return

    def _answer(self, request: dict[str, Any]) -> dict[str, Any]:
        op = request.get("op")
        if op == "run":
            self._runs.put(request["item"])
            return {}
        if op == "check":
            try:
                if request["kind"] == "macro":
                    self.script_path(request["text"])
                elif request["kind"] == "command":
                    translated = self.translate(request["text"])
                    source_of_command(translated, "<command>")
                else:
                    compile(self.translate(request["text"]), "<script>", "exec")
            except Refused as exc:
                return {"invalid": str(exc)}
            except (RecursionError, MemoryError, ValueError) as exc:  # nested too deeply for the compiler
                return {"invalid": f"{request['kind']} cannot be compiled: {type(exc).__name__}: {exc}"}
            if request["kind"] == "command":
                from gda_bridge.server.command_estimate import estimate_command

                return {"estimate": estimate_command(translated, self.namespace)}
            return {}
        if op in ("pause", "resume", "finish_early"):
            scan = self.ctx.running
            if scan is None:
                raise Refused("no scan is running")
            {"pause": scan.request_pause, "resume": scan.request_resume,
             "finish_early": scan.request_finish_early}[op]()
            return {}
        if op == "abort":
            self.abort()
            return {}
        if op == "stop_all":
            return {"stopped": self.stop_all()}
        if op == "shutdown":
            self._shutdown()
            return {}
        raise Refused(f"unknown request {op!r}")

    def abort(self, stopping: bool = False) -> None:
        """Abort the running item: its scan if one runs, else its Python code."""
        with self._lock:
            if self._item_id is None:
                raise Refused("nothing is running")
            self._abort_requested = True
            self._stopping = self._stopping or stopping
            scan = self.ctx.running
            if scan is not None:
                scan.abort_on_request()
            elif self._in_user_code and not self._async_sent:
                self._async_sent = True
                _raise_in_thread(self._main_thread, ScanAbortedError)

    def stop_all(self) -> list[str]:
        """Abort what runs and call ``stop()`` on every device of the namespace, at once."""
        from gda_bridge.commands import devices as dev

        try:
            self.abort()
        except Refused:
            pass
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

    def _shutdown(self) -> None:
        with self._lock:
            self._stopping = True
        try:
            self.abort(stopping=True)
        except Refused:
            pass
        self._runs.put(None)

    def _orphaned(self) -> None:
        """The API process is gone: stop everything and leave."""
        log.warning("the API process closed the channel: stopping every device and exiting")
        try:
            self.stop_all()
        finally:
            self._shutdown()
            threading.Timer(5.0, os._exit, (3,)).start()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="gda_bridge.server.worker_process")
    parser.add_argument("--control-fd", type=int, required=True)
    parser.add_argument("--events-fd", type=int, required=True)
    parser.add_argument("--config")
    parser.add_argument("--startup")
    parser.add_argument("--scripts")
    parser.add_argument("--translate", help="module:function, GDA syntax -> Python")
    parser.add_argument("--first-scan-number", type=int, default=0)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s worker %(levelname)s %(name)s: %(message)s")
    control = Channel(socket.socket(fileno=args.control_fd))
    events = QueuedSender(Channel(socket.socket(fileno=args.events_fd)), linger=paging.LINGER,
                          pageable=paging.pageable, merge=paging.paged)
    try:
        Engine(control, events, args).run()
    except BaseException as exc:
        events.send({"type": "startup_failed", "error": f"{type(exc).__name__}: {exc}",
                     "traceback": traceback.format_exc()})
    finally:
        events.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
