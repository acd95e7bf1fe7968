"""The console's live scan view on a terminal screen: a line printed on another thread while the
scan's thread stops the progress bar does not bring the bar back."""

from __future__ import annotations

import io
import re
import threading

from gda_bridge.cli.console import LiveScanView, SerialConsole
from gda_bridge.core.documents import ScanPoint, ScanStart, ScanStatus, ScanStop

CSI = re.compile(r"\x1b\[([0-9;?]*)([A-Za-z])")


def _screen(written: str) -> list[str]:
    """The lines a terminal shows after ``written`` (carriage return, new line, cursor up and
    erase line are what rich's live display uses; other control sequences change no text)."""
    lines, row, col = [""], 0, 0
    pos = 0
    while pos < len(written):
        match = CSI.match(written, pos)
        if match:
            args, command = match.groups()
            if command == "A":
                row = max(0, row - int(args or 1))
            elif command == "K":
                lines[row] = ""
            pos = match.end()
            continue
        char = written[pos]
        pos += 1
        if char == "\r":
            col = 0
        elif char == "\n":
            row, col = row + 1, 0
            if row == len(lines):
                lines.append("")
        else:
            line = lines[row].ljust(col)
            lines[row] = line[:col] + char + line[col + 1:]
            col += 1
    return [line for line in lines if line.strip()]


class _ToldWhenWaitedFor:
    """A reentrant lock that sets ``waited`` when a thread has to wait for it."""

    def __init__(self, waited: threading.Event) -> None:
        self._lock = threading.RLock()
        self.waited = waited

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        if self._lock.acquire(blocking=False):
            return True
        self.waited.set()
        return self._lock.acquire(blocking, timeout)

    def release(self) -> None:
        self._lock.release()

    def __enter__(self) -> bool:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


class _LineAfter:
    """Renders as ``text`` once ``go`` is set, having set ``rendering``: a print held half done."""

    def __init__(self, text: str, rendering: threading.Event, go: threading.Event) -> None:
        self.text, self.rendering, self.go = text, rendering, go

    def __rich_console__(self, console, options):
        self.rendering.set()
        assert self.go.wait(10)
        yield self.text


def test_a_line_printed_while_the_bar_stops_does_not_leave_the_bar_on_screen():
    out = io.StringIO()
    console = SerialConsole(file=out, force_terminal=True, force_interactive=True, width=100, color_system=None)
    stopping = threading.Event()  # the scan's thread stopped the bar, or waits to
    console.lock = _ToldWhenWaitedFor(stopping)
    view = LiveScanView(console)
    view(ScanStart("u", 7, "scan x 0 1 1", (2,), (), 0.0))
    view(ScanPoint("u", 0, (0,), 0.0, {}))
    view(ScanPoint("u", 1, (1,), 0.0, {}))
    assert "━" in out.getvalue()  # the bar was drawn

    rendering = threading.Event()
    analysis = threading.Thread(target=console.print, args=(
        _LineAfter("Cannot process multidimensional scans", rendering, stopping),))
    analysis.start()
    assert rendering.wait(10)

    def stop() -> None:
        view(ScanStop("u", ScanStatus.COMPLETED_OKAY, 2, 0.0))
        stopping.set()

    scan = threading.Thread(target=stop)
    scan.start()
    analysis.join(10)
    scan.join(10)
    assert not analysis.is_alive() and not scan.is_alive()

    screen = _screen(out.getvalue())
    assert "Scan complete." in screen and "Cannot process multidimensional scans" in screen, screen
    assert not any("━" in line for line in screen), screen
