"""The IPython extension (``%load_ext gda_bridge``): GDA command syntax in cells, a session whose
namespace is the kernel's (devices, ``peak`` and the other analysis results, ``go``), a progress
line, and the display factories of gda_bridge.session.display.

``%gda_config bl.toml [name=value ...]`` replaces the session by one with that configuration's
devices ($GDA_BRIDGE_CONFIG names one to start with). A session someone else wired on the same
namespace (the console's) is adopted as it is: it keeps its own progress; the extension adds the
syntax, the magic and the display factories. A kernel interrupt during a scan stops every device and
the scan's file is closed valid, as Ctrl-C does in a script.
"""

from __future__ import annotations

import logging
import os
import shlex
from collections.abc import Callable
from typing import Any

from gda_bridge.scans.context import context
from gda_bridge.session._session import Session
from gda_bridge.session.display import DISPLAY_FACTORIES, register_display
from gda_bridge.session.live_view import live_plot
from gda_bridge.session.progress import TextProgress, progress_for

log = logging.getLogger("gda_bridge.session.ipython")

register_display(live_plot)

CONFIG_ENV = "GDA_BRIDGE_CONFIG"


def is_notebook(shell: Any) -> bool:
    """A Jupyter kernel (its shell talks ZMQ), as opposed to a terminal IPython."""
    return getattr(shell, "kernel", None) is not None


class Extension:
    """What ``%load_ext gda_bridge`` adds to one IPython shell; ``unload()`` takes it away."""

    def __init__(self, shell: Any) -> None:
        self.shell = shell
        self.notebook = is_notebook(shell)
        self.session: Session | None = None
        self.owned = False
        self.progress: TextProgress | None = None
        self._unwire: list[Callable[[], None]] = []

    # ----- loading -------------------------------------------------------------------------
    def load(self, config: str | None = None) -> None:
        self.shell.input_transformers_post.append(self.transform)
        self.shell.register_magic_function(self.gda_config, "line", "gda_config")
        wired = context().session
        if config is None and isinstance(wired, Session) and wired.namespace is self.shell.user_ns:
            self.session = wired  # the console's: it shows its own progress
            self._attach_displays(wired)
            return
        self.use(Session(config or os.environ.get(CONFIG_ENV) or None, namespace=self.shell.user_ns))

    def use(self, session: Session) -> None:
        """Make ``session`` the extension's own: progress, displays, post-scan work before returning."""
        self.session, self.owned = session, True
        session.wait_for_plots = True  # a "Run All" cell after a scan finds its plot
        ctx = session.ctx
        self.progress = progress_for(self.notebook)
        self._unwire.append(ctx.stream.subscribe(self.progress))
        output = ctx.output

        def output_after_progress(line: str) -> None:
            if self.progress is not None:
                self.progress.clear()
            output(line)

        ctx.output = output_after_progress
        self._unwire.append(lambda: setattr(ctx, "output", output))
        self._attach_displays(session)

    def _attach_displays(self, session: Session) -> None:
        """Subscribe what each registered display factory gives for this session and front end."""
        for factory in DISPLAY_FACTORIES:
            try:
                subscriber = factory(session, notebook=self.notebook)
            except Exception:
                log.exception("display factory %r failed; scans go on without it", factory)
                continue
            if subscriber is not None:
                close = getattr(subscriber, "close", None)
                if callable(close):  # a live plot's window process, for instance: after unsubscribing
                    self._unwire.append(close)
                self._unwire.append(session.ctx.stream.subscribe(subscriber))

    def release(self) -> None:
        """Unwire the progress and displays; close the session if the extension made it (an
        adopted one is its owner's to close)."""
        while self._unwire:
            self._unwire.pop()()
        if self.owned and self.session is not None:
            self.session.close()
        self.session, self.owned, self.progress = None, False, None

    def unload(self) -> None:
        self.release()
        if self.transform in self.shell.input_transformers_post:
            self.shell.input_transformers_post.remove(self.transform)

    # ----- the cell transformer and the magic ------------------------------------------------
    def transform(self, lines: list[str]) -> list[str]:
        """`pos x 1` -> `pos(x, 1)`; Python (and what cannot be translated) is left alone."""
        if self.session is None:
            return lines
        text = "".join(lines)
        translated = self.session.translate(text, "<cell>")
        if text.endswith("\n") and not translated.endswith("\n"):
            translated += "\n"
        return translated.splitlines(keepends=True)

    def gda_config(self, line: str) -> None:
        """%gda_config bl.toml [name=value ...]: a new session with that configuration's devices."""
        words = shlex.split(line)
        if not words:
            raise ValueError("usage: %gda_config path/to/beamline.toml [name=value ...]")
        path, pairs = words[0], words[1:]
        bad = [p for p in pairs if "=" not in p]
        if bad:
            raise ValueError(f"%gda_config: {bad[0]!r} is not name=value")
        variables = dict(p.split("=", 1) for p in pairs)
        old = self.session
        if old is not None and self.owned:
            for name in old.device_names:
                self.shell.user_ns.pop(name, None)
        self.release()
        session = Session(path, namespace=self.shell.user_ns, variables=variables)
        self.use(session)
        session.ctx.output(f"gda-bridge: devices from {path}: {', '.join(session.device_names) or '(none)'}")


def load(shell: Any, config: str | None = None) -> Extension:
    """Load the extension into ``shell`` (again: the loaded one is kept)."""
    existing = getattr(shell, "_gda_bridge_extension", None)
    if isinstance(existing, Extension):
        return existing
    extension = Extension(shell)
    extension.load(config)
    shell._gda_bridge_extension = extension
    return extension


def unload(shell: Any) -> None:
    extension = getattr(shell, "_gda_bridge_extension", None)
    if isinstance(extension, Extension):
        extension.unload()
        del shell._gda_bridge_extension
