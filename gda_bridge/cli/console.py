"""The scientists' console: IPython with GDA command syntax, a live scan view and a Ctrl-C menu."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from gda_bridge.core.documents import Document, ScanPoint, ScanStart, ScanStop
from gda_bridge.scans.table import ScanTable

log = logging.getLogger("gda_bridge.console")

MENU = "Scan paused: c = continue, p = stay paused, f = finish after this point, a = abort? "


def history_file() -> Path:
    home = Path(os.environ.get("GDA_BRIDGE_HOME", "~/.gda-bridge")).expanduser()
    home.mkdir(parents=True, exist_ok=True)
    return home / "console_history.sqlite"


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


class LiveScanView:
    """The scan table with a progress bar (points, time left) and the running peak estimate."""

    def __init__(self, console: Console, estimate: Callable[[], Any] | None = None) -> None:
        self.console = console
        self.estimate = estimate
        self.table = ScanTable(self._print)
        self._progress: Progress | None = None
        self._task: Any = None

    def _print(self, line: str) -> None:
        target = self._progress.console if self._progress is not None else self.console
        target.print(line, markup=False, highlight=False, soft_wrap=True)

    def __call__(self, doc: Document) -> None:
        if isinstance(doc, ScanStart):
            self._progress = Progress(
                TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                console=self.console, transient=True,
            )
            self._progress.start()
            self._task = self._progress.add_task(f"scan {doc.scan_number}", total=doc.num_points)
            self.table(doc)
        elif isinstance(doc, ScanPoint):
            self.table(doc)
            if self._progress is not None:
                self._progress.update(self._task, advance=1, description=self._description(doc))
        elif isinstance(doc, ScanStop):
            if self._progress is not None:
                self._progress.stop()
                self._progress = None
            self.table(doc)

    def _description(self, doc: ScanPoint) -> str:
        text = "scan"
        if self.estimate is not None:
            guess = self.estimate()
            if guess is not None and getattr(guess, "cen", None) is not None:
                text += f"  peak ~ {guess.cen:.4g}"
        return text


def run_console(session: Any, banner: str = "") -> None:
    """Start IPython on the session's namespace until the user leaves it."""
    from IPython.terminal.interactiveshell import TerminalInteractiveShell
    from traitlets.config import Config

    console = Console()
    ctx = session.ctx
    ctx.output = lambda line: console.print(line, markup=False, highlight=False, soft_wrap=True)
    ctx.show_table = False
    view = LiveScanView(console, session.processing.live_estimate)
    unsubscribe = ctx.stream.subscribe(view)
    ctx.on_ctrl_c = ask_what_to_do

    config = Config()
    config.TerminalInteractiveShell.automagic = False  # `ls` is GDA's ls, not the shell's
    config.TerminalInteractiveShell.banner1 = banner
    config.TerminalInteractiveShell.confirm_exit = False
    config.HistoryManager.hist_file = str(history_file())
    shell = TerminalInteractiveShell.instance(config=config, user_ns=session.namespace)
    shell.extension_manager.load_extension("gda_bridge")  # GDA syntax, %gda_config; adopts this session
    try:
        shell.mainloop()
    finally:
        ctx.on_ctrl_c = None
        ctx.show_table = True
        unsubscribe()
