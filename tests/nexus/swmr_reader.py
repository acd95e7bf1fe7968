"""A separate process reading a scan file while it is written (SWMR).

Prints "ready" once the file is open. For each line "<n>" on stdin it refreshes the datasets and
answers "ok <n>" if points 0..n-1 hold their values (and frames), else "missing <details>".
"""

import sys

import h5py
import hdf5plugin  # noqa: F401
import numpy as np
from scan_docs import frame, value


def main() -> None:
    path = sys.argv[1]
    f = h5py.File(path, "r", swmr=True, libver=("v110", "v114"))
    det = f["entry1/instrument/det/counts"]
    cam = f["entry1/instrument/cam/data"]
    print("ready", flush=True)
    for line in sys.stdin:
        if line.strip() == "quit":
            break
        n = int(line)
        det.refresh()
        cam.refresh()
        got = det[:n]
        want = np.array([value("det", (i,)) for i in range(n)])
        if not np.array_equal(got, want):
            print(f"missing counts {got.tolist()}", flush=True)
        elif not np.array_equal(cam[n - 1], frame((n - 1,), cam.shape[1:])):
            print(f"missing frame {n - 1}", flush=True)
        else:
            print(f"ok {n}", flush=True)
    f.close()


if __name__ == "__main__":
    main()
