"""Acquires a long 1-D scan of scalars and frames into a NeXus file until killed.

Prints "path <file>" once the file exists, then "flushed <n>" after each flush of the writer.
Usage: kill_writer.py <data dir>
"""

import sys
import time

from scan_docs import camera, counter, motor, points, start

from gda_bridge.nexus import NexusWriter


def report(n: int) -> None:
    print(f"flushed {n}", flush=True)


def main() -> None:
    writer = NexusWriter(sys.argv[1], "i99", on_flush=report)
    s = start((100_000,), [motor("x"), counter("det"), camera("cam", (16, 16))], command="scan x 0 1e5 1 det cam")
    writer(s)
    print(f"path {writer.path}", flush=True)
    for p in points(s):
        writer(p)
        time.sleep(0.0005)  # the simulated detector's count time


if __name__ == "__main__":
    main()
