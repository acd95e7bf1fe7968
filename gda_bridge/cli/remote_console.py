"""The console attached to a running command server (`gda-bridge console --remote URL`).

What is typed goes to the server's queue (which understands GDA syntax) and its output comes back
as the server runs it; Ctrl-C offers the same continue / pause / finish / abort as locally.
"""

from __future__ import annotations

import logging
import queue
import threading
from typing import Any

from gda_bridge.cli.console import ask_what_to_do, history_file
from gda_bridge.server.client import FINAL, ServerClient, ServerRequestError

log = logging.getLogger("gda_bridge.console")


class _RemoteScan:
    """The running scan of the server, as the Ctrl-C menu sees it."""

    def __init__(self, client: ServerClient) -> None:
        self.client = client

    def _control(self, action: str) -> None:
        try:
            self.client.control(action)
        except ServerRequestError as exc:
            log.warning("%s refused: %s", action, exc)

    def request_pause(self) -> None:
        self._control("pause")

    def request_resume(self) -> None:
        self._control("resume")

    def request_finish_early(self) -> None:
        self._control("finish-early")

    def request_abort(self) -> None:
        self._control("abort")


class RemoteSession:
    """Runs console input on the server, one item at a time, printing its output as it comes."""

    def __init__(self, client: ServerClient, say: Any = print) -> None:
        self.client = client
        self.say = say
        self._events: queue.Queue[dict] = queue.Queue()
        self._connected = threading.Event()
        threading.Thread(target=self._listen, name="gda-remote-events", daemon=True).start()
        if not self._connected.wait(10):
            raise ConnectionError(f"no event stream from {client.url}")

    def _listen(self) -> None:
        events = self.client.events()
        for event in events:
            self._connected.set()  # the server greets every new stream with a status event
            self._events.put(event)

    def execute(self, text: str) -> dict:
        """Queue ``text`` on the server and print its output until it ends; returns the item."""
        item = self.client.submit(text)
        scan = _RemoteScan(self.client)
        while True:
            try:
                event = self._events.get(timeout=0.1)
            except queue.Empty:
                continue
            except KeyboardInterrupt:
                ask_what_to_do(scan, say=self.say)
                continue
            if event.get("type") == "output" and event.get("item_id") == item["id"]:
                for line in event["lines"]:
                    self.say(line)
            elif event.get("type") == "item" and event["item"]["id"] == item["id"]:
                if event["item"]["status"] in FINAL:
                    finished = event["item"]
                    if finished.get("error"):
                        self.say(finished["error"])
                    return finished


def run_remote_console(url: str, token: str) -> None:
    """IPython whose cells run on the server."""
    from IPython.core.interactiveshell import ExecutionInfo, ExecutionResult
    from IPython.terminal.interactiveshell import TerminalInteractiveShell
    from traitlets.config import Config

    client = ServerClient(url, token)
    holder = client.baton().get("holder")
    if holder is None:
        client.baton("take")
    remote = RemoteSession(client)

    class RemoteShell(TerminalInteractiveShell):
        def run_cell(self, raw_cell: str, store_history: bool = False, silent: bool = False,
                     shell_futures: bool = True, cell_id: str | None = None) -> ExecutionResult:
            info = ExecutionInfo(raw_cell, store_history, silent, shell_futures, cell_id)
            result = ExecutionResult(info)
            if raw_cell.strip():
                if store_history:
                    self.history_manager.store_inputs(self.execution_count, raw_cell)
                try:
                    remote.execute(raw_cell)
                except ServerRequestError as exc:
                    print(f"refused by the server: {exc}")
                    result.error_in_exec = exc
                if store_history:
                    self.execution_count += 1
            return result

    config = Config()
    config.TerminalInteractiveShell.banner1 = f"gda-bridge console attached to {url} (commands run on the server)"
    config.TerminalInteractiveShell.confirm_exit = False
    config.HistoryManager.hist_file = str(history_file())
    try:
        RemoteShell.instance(config=config).mainloop()
    finally:
        if holder is None:
            try:
                client.baton("release")
            except ServerRequestError as exc:
                log.warning("could not release the baton: %s", exc)
        client.close()
