"""The live plot's window process: reads length-prefixed pickled ``(ScanView, outcomes, done)``
from stdin, draws the newest into a matplotlib window (TkAgg) at most 10 times a second, and
answers ``drawn <uid> <points> <done>`` on stdout. Ends when its input ends.

Run as ``python -m gda_bridge.plotting._window`` by ``WindowSink``; it trusts its parent's pickles.
"""

from __future__ import annotations

import os
import pickle
import queue
import struct
import sys
import threading
from typing import Any

INTERVAL_MS = 100


def _read(stream: Any, inbox: queue.Queue[Any]) -> None:
    while True:
        head = stream.read(8)
        if len(head) < 8:
            break
        (n,) = struct.unpack(">Q", head)
        inbox.put(pickle.loads(stream.read(n)))
    inbox.put(None)


def main() -> None:
    import matplotlib

    try:
        matplotlib.use("TkAgg")
        import matplotlib.pyplot as plt

        fig = plt.figure("gda-bridge live plot", figsize=(8.8, 4.8), layout="constrained")
    except ImportError as e:  # matplotlib found no usable display
        raise RuntimeError(f"cannot open the display {os.environ.get('DISPLAY', '')!r}") from e

    from gda_bridge.analysis import NoPlot, draw_scan

    inbox: queue.Queue[Any] = queue.Queue()
    threading.Thread(target=_read, args=(sys.stdin.buffer, inbox), daemon=True).start()

    def drain() -> None:
        latest, ended = None, False
        while True:
            try:
                item = inbox.get_nowait()
            except queue.Empty:
                break
            if item is None:
                ended = True
                break
            latest = item
        if latest is not None:
            view, outcomes, done = latest
            fig.clear()
            try:
                draw_scan(fig, view, outcomes)
            except NoPlot as e:
                fig.text(0.5, 0.5, str(e), ha="center", va="center")
            fig.canvas.draw()
            fig.canvas.flush_events()
            sys.stdout.write(f"drawn {view.start.uid} {len(view.indices)} {int(done)}\n")
            sys.stdout.flush()
        if ended:
            plt.close(fig)

    timer = fig.canvas.new_timer(interval=INTERVAL_MS)
    timer.add_callback(drain)
    timer.start()
    plt.show()


def run() -> None:
    """``main`` ended by ``os._exit``: the stdin reader may still be blocked in a read, and a normal
    interpreter exit would then die on its buffer's lock. A failure is one line on stderr."""
    status = 0
    try:
        main()
    except Exception as e:
        sys.stderr.write(" ".join(f"{type(e).__name__}: {e}".split()) + "\n")
        status = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


if __name__ == "__main__":
    run()
