"""How long after the scan hands a point to the writer another process can read it (SWMR lag).

A reader process opens the file as SWMR and polls (every ``--poll`` s) the number of readable
points: ``points_completed`` for NexusWriter files, the dataset's length for plain h5py. Each
point's lag is the wall-clock time from ``writer(point)`` (or, for plain h5py, the start of its
write) to the reader's first poll that sees it, both processes on this machine's clock, so the
figures include up to one poll period. Four runs, in the same process and the same minutes:
NexusWriter with scalars only and with 512x512 uint16 frames (Blosc, the default), and plain
h5py SWMR (append + flush per point, same filter) with scalars and frames, as the baseline; all
at ``--rate`` points per second. Prints JSON: median / p95 / max lag in ms per run.

    PYTHONPATH=. python scripts/benchmarks/bench_swmr_lag.py [--points 200] [--rate 20]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import h5py
import numpy as np

from gda_bridge.core.documents import (
    DeviceDescription,
    FieldDescription,
    ScanPoint,
    ScanStart,
    ScanStatus,
    ScanStop,
)
from gda_bridge.nexus import NexusWriter
from gda_bridge.nexus.compression import dataset_filter_kwargs
from gda_bridge.nexus.writer import LIBVER

SHAPE = (512, 512)

READER = textwrap.dedent("""
    import json, sys, time
    import h5py, hdf5plugin
    path, name, total, poll = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    f = h5py.File(path, "r", swmr=True, libver=("v110", "v114"))
    d = f[name]
    print("ready", flush=True)
    seen, times = 0, []
    deadline = time.time() + 600
    while seen < total and time.time() < deadline:
        d.refresh()
        n = int(d[()]) if d.shape == () else d.shape[0]
        if n > seen:
            now = time.time()
            times += [now] * (n - seen)
            seen = n
        time.sleep(poll)
    print(json.dumps(times), flush=True)
""")


def _reader(path: Path, name: str, total: int, poll: float) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", READER, str(path), name, str(total), str(poll)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    return proc


def _lags(proc: subprocess.Popen, sent: list[float]) -> dict[str, float]:
    out, _ = proc.communicate(timeout=600)
    seen = json.loads(out.strip().splitlines()[-1])
    lags = np.array(seen[: len(sent)]) - np.array(sent[: len(seen)])
    return {"points": len(seen), "median_ms": round(float(np.median(lags)) * 1e3, 1),
            "p95_ms": round(float(np.percentile(lags, 95)) * 1e3, 1), "max_ms": round(float(lags.max()) * 1e3, 1)}


def _frames(n: int = 8) -> list[np.ndarray]:
    rng = np.random.default_rng(7)
    return [rng.poisson(40, SHAPE).astype(np.uint16) for _ in range(n)]


def _paced(n: int, rate: float):
    t0 = time.perf_counter()
    for i in range(n):
        delay = t0 + i / rate - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        yield i


def ours(folder: Path, n: int, rate: float, poll: float, frames: bool, **options) -> dict[str, float]:
    fields = [FieldDescription("x", "x", "x", "input", shape=(), dtype="float64")]
    devices = [DeviceDescription("x", "scannable", tuple(fields)),
               DeviceDescription("det", "detector", (FieldDescription("det", "det", "det", "input", shape=(), dtype="float64"),))]
    if frames:
        devices.append(DeviceDescription("cam", "detector", (FieldDescription("cam", "cam", "cam", "input", shape=SHAPE, dtype="uint16"),)))
    start = ScanStart("lag", None, "scan x 0 1 1 det" + (" cam" if frames else ""), (n,), tuple(devices), time.time(), {})
    writer = NexusWriter(folder, "lag", write_srs=False, **options)
    writer(start)
    reader = _reader(writer.path, "entry1/points_completed", n, poll)
    images, sent = _frames(), []
    for i in _paced(n, rate):
        data = {"x": float(i), "det": float(i)}
        if frames:
            data["cam"] = images[i % len(images)]
        sent.append(time.time())
        writer(ScanPoint("lag", i, (i,), sent[-1], data))
    writer(ScanStop("lag", ScanStatus.COMPLETED_OKAY, n, time.time(), None))
    writer.close()
    return _lags(reader, sent)


def plain(folder: Path, n: int, rate: float, poll: float, frames: bool) -> dict[str, float]:
    path = folder / f"plain-{'frames' if frames else 'scalars'}.h5"
    f = h5py.File(path, "w", libver=LIBVER)
    shape = SHAPE if frames else ()
    d = f.create_dataset("data", shape=(0, *shape), maxshape=(None, *shape), dtype="uint16" if frames else "float64",
                         chunks=(1, *shape) if frames else (4096,), **(dataset_filter_kwargs("blosc") if frames else {}))
    f.swmr_mode = True
    reader = _reader(path, "data", n, poll)
    images, sent = _frames(), []
    for i in _paced(n, rate):
        sent.append(time.time())
        d.resize((i + 1, *shape))
        d[i] = images[i % len(images)] if frames else float(i)
        f.flush()
    f.close()
    return _lags(reader, sent)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=200)
    parser.add_argument("--rate", type=float, default=20.0, help="points per second")
    parser.add_argument("--poll", type=float, default=0.002, help="the reader's poll period, s")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="swmr-lag-") as tmp:
        folder = Path(tmp)
        result = {
            "points": args.points, "rate_hz": args.rate, "reader_poll_ms": args.poll * 1e3,
            "frame": f"{SHAPE[0]}x{SHAPE[1]} uint16, blosc",
            "load_average": round(os.getloadavg()[0], 2),
            "ours_scalars": ours(folder, args.points, args.rate, args.poll, frames=False),
            "ours_frames": ours(folder, args.points, args.rate, args.poll, frames=True),
            "plain_h5py_scalars": plain(folder, args.points, args.rate, args.poll, frames=False),
            "plain_h5py_frames": plain(folder, args.points, args.rate, args.poll, frames=True),
        }
    print(json.dumps(result, indent=2))  # noqa: T201 - the benchmark's report


if __name__ == "__main__":
    main()
