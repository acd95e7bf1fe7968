"""The scientists' console: IPython with GDA command syntax, a live scan view and a Ctrl-C menu."""

from __future__ import annotations

import functools
import logging
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, Task, TextColumn
from rich.text import Text

from gda_bridge.cli.console_completion import device_matcher, is_device
from gda_bridge.cli.console_help import make_help
from gda_bridge.cli.console_shell import GdaShell, install_tb_magic
from gda_bridge.commands.scanning import command_text
from gda_bridge.commands.vararg import unpacked
from gda_bridge.core.documents import Document, ScanPoint, ScanStart, ScanStop
from gda_bridge.core.errors import GdaBridgeError
from gda_bridge.scans.table import ScanTable, duration_text
from gda_bridge.session.progress import seconds_left

log = logging.getLogger("gda_bridge.console")

MENU = "Scan paused: c = continue, p = stay paused, f = finish after this point, a = abort? "


def console_home() -> Path:
    home = Path(os.environ.get("GDA_BRIDGE_HOME", "~/.gda-bridge")).expanduser()
    home.mkdir(parents=True, exist_ok=True)
    return home


def history_file() -> Path:
    return console_home() / "console_history.sqlite"


def log_file() -> Path:
    return console_home() / "console.log"


class _NotJava(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not record.name.startswith("gda_bridge.java")


def route_logs(path: Path, verbose: bool = False) -> None:
    """Every log record also into ``path``; the Java core's records (a failed scan's SEVERE block
    with its Java stack trace) only there, not on the terminal, unless ``verbose``."""
    root = logging.getLogger()
    if not verbose:
        for handler in root.handlers:
            if isinstance(handler, logging.StreamHandler) and not isinstance(handler, logging.FileHandler):
                handler.addFilter(_NotJava())
    to_file = logging.FileHandler(path, encoding="utf-8")
    to_file.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    root.addHandler(to_file)


def banner_for(session: Any, log_path: Path) -> str:
    """What the console says first: the beamline, its devices, how to get help, where logs go."""
    beamline = getattr(session.config, "name", None) or "gda"
    devices = sorted(k for k, v in session.namespace.items() if is_device(v))
    lines = [f"gda-bridge console, beamline {beamline}: GDA commands (pos x 1, scan x 0 10 1 det 0.1, go peak) "
             "or Python 3.",
             "Devices: " + (", ".join(devices) if devices else "none (--config bl.toml names them)"),
             "help lists the commands, help scan shows one; an error is one line, %tb shows its traceback.",
             f"Log (the Java core's messages too): {log_path}"]
    return "\n".join(lines)


def report_testscan(testscan: Callable[..., str], output: Callable[[str], None]) -> Callable[..., None]:
    """The console's testscan: what is wrong with the scan is its report, not an exception."""

    @functools.wraps(testscan)
    def command(*args: Any) -> None:
        try:
            testscan(*args)  # prints what the scan would do
        except GdaBridgeError as exc:
            output(f"testscan: {command_text('scan', unpacked(args))} would fail: {exc}")

    return command


def ask_what_to_do(scan: Any, ask: Callable[[str], str] = input, say: Callable[[str], None] = print) -> None:
    """What Ctrl-C during a scan does in the console: pause it and ask. Ctrl-C again aborts."""
    scan.request_pause()
    while True:
        try:
            answer = ask(MENU).strip().lower()[:1]
        except KeyboardInterrupt:
            answer = "a"
        except EOFError:
            answer = "a"
        if answer in ("c", ""):
            scan.request_resume()
            return
        if answer == "p":
            say("The scan stays paused; press Ctrl-C to continue, finish or abort it.")
            return
        if answer == "f":
            scan.request_finish_early()
            scan.request_resume()
            return
        if answer == "a":
            say("Aborting: every device is being stopped.")
            scan.request_abort()
            return
        say("Please answer c, p, f or a.")


class SerialConsole(Console):
    """A rich Console on which one thread at a time prints or writes, each print or buffered
    block (``with console:``) as a whole, under ``lock``.

    While a progress bar is live, a print takes the bar's render hook (it moves the cursor back
    over the bar and draws the bar again below the text) before it renders, and writes only when
    its outermost buffered block ends. So a line printed on another thread while the scan's
    thread stopped a transient bar could draw the bar again after stop() had erased it, and the
    bar stayed on the screen: the analysis' "Cannot process multidimensional scans", printed
    through rich's stdout redirect at the end of a 2-D scan. Holding ``lock`` while a bar is
    started or stopped (LiveScanView does) puts every print wholly before or wholly after it.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lock = threading.RLock()

    def print(self, *objects: Any, **kwargs: Any) -> None:
        with self.lock:  # from before the print takes the render hooks
            super().print(*objects, **kwargs)

    def __enter__(self) -> SerialConsole:
        self.lock.acquire()
        super().__enter__()
        return self

    def __exit__(self, exc_type: Any, exc_value: Any, traceback: Any) -> None:
        try:
            super().__exit__(exc_type, exc_value, traceback)  # writes the block
        finally:
            self.lock.release()


class TimeLeftColumn(ProgressColumn):
    """``about 12 s left``: from the scan's estimate (the task's ``estimated`` field) before the
    first point, more and more from the points' rate as they come (session.progress)."""

    max_refresh = 0.5

    def render(self, task: Task) -> Text:
        left = seconds_left(int(task.completed), int(task.total) if task.total else None, task.elapsed or 0.0,
                            task.fields.get("estimated"))
        return Text("" if left is None else f"about {duration_text(left)} left", style="progress.remaining")


class LiveScanView:
    """The scan table with a progress bar (points, time left) and the running peak estimate."""

    def __init__(self, console: SerialConsole, estimate: Callable[[], Any] | None = None) -> None:
        self.console = console
        self.estimate = estimate
        self.table = ScanTable(self._print)
        self._progress: Progress | None = None
        self._task: Any = None
        # Documents arrive on the scan's thread, the Ctrl-C menu hides the bar on the main thread
        # and other threads print: the console's lock orders them all, so no bar is drawn again
        # after its scan ended (see SerialConsole).
        self._lock = console.lock

    def _print(self, line: str) -> None:
        target = self._progress.console if self._progress is not None else self.console
        target.print(line, markup=False, highlight=False, soft_wrap=True)

    def __call__(self, doc: Document) -> None:
        with self._lock:
            self._show(doc)

    def _stop_bar(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None

    def _show(self, doc: Document) -> None:
        if isinstance(doc, ScanStart):
            self._stop_bar()
            # No refresh thread of rich's: it would take the Live's lock before the console's, the
            # other order from a print's. Redrawn at each point (time left changes only then).
            self._progress = Progress(
                TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeLeftColumn(),
                console=self.console, transient=True, auto_refresh=False,
            )
            self._progress.start()
            self._task = self._progress.add_task(f"scan {doc.scan_number}", total=doc.num_points,
                                                 estimated=doc.estimated_seconds)
            self.table(doc)
        elif isinstance(doc, ScanPoint):
            self.table(doc)
            if self._progress is not None:
                self._progress.update(self._task, advance=1, description=self._description(doc), refresh=True)
        elif isinstance(doc, ScanStop):
            self._stop_bar()
            self.table(doc)

    @contextmanager
    def hidden(self) -> Iterator[None]:
        """The progress bar off the screen (e.g. while the Ctrl-C menu asks), then back."""
        with self._lock:
            progress = self._progress
            if progress is not None:
                progress.stop()
        try:
            yield
        finally:
            with self._lock:
                if progress is not None and self._progress is progress:  # its scan still runs
                    progress.start()

    def _description(self, doc: ScanPoint) -> str:
        text = "scan"
        if self.estimate is not None:
            guess = self.estimate()
            if guess is not None and getattr(guess, "cen", None) is not None:
                text += f"  peak ~ {guess.cen:.4g}"
        return text


def run_console(session: Any, verbose: bool = False, log_path: Path | None = None) -> None:
    """Start IPython on the session's namespace until the user leaves it."""
    from traitlets.config import Config

    console = SerialConsole()
    ctx = session.ctx
    ctx.output = lambda line: console.print(line, markup=False, highlight=False, soft_wrap=True)
    ctx.show_table = False
    view = LiveScanView(console, session.processing.live_estimate)
    unsubscribe = ctx.stream.subscribe(view)

    def on_ctrl_c(scan: Any) -> None:
        with view.hidden():
            ask_what_to_do(scan)

    ctx.on_ctrl_c = on_ctrl_c
    ns = session.namespace
    ns["help"] = make_help(ns, ctx.output)
    if "testscan" in ns:
        ns["testscan"] = report_testscan(ns["testscan"], ctx.output)

    config = Config()
    config.TerminalInteractiveShell.automagic = False  # `ls` is GDA's ls, not the shell's
    config.TerminalInteractiveShell.confirm_exit = False
    config.HistoryManager.hist_file = str(history_file())
    shell = GdaShell.instance(config=config, user_ns=ns)
    shell.verbose = verbose
    shell.error_console = console
    install_tb_magic(shell)
    shell.Completer.custom_matchers.append(device_matcher(ns))
    shell.extension_manager.load_extension("gda_bridge")  # GDA syntax, %gda_config; adopts this session
    shell.show_banner(banner_for(session, log_path or log_file()) + "\n\n")
    try:
        shell.mainloop()
    finally:
        ctx.on_ctrl_c = None
        ctx.show_table = True
        unsubscribe()
