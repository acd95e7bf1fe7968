"""Frames through the NeXus scan writer vs plain h5py, and the writer's per-point cost.

Writes N frames of 1024x1024 uint16 per filter twice, in the same run: through NexusWriter (the
document stream subscriber: pooled compression + direct chunk writes on one writer thread) and
with plain h5py (resize + assign, same filter, same libver). Then measures what the writer adds
to a 1,000-point scan of scalars. Prints JSON.

    PYTHONPATH=. python scripts/benchmarks/bench_frames.py [--frames 1000] [--repeat 2]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
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

SHAPE = (1024, 1024)
MB = 1e6


def make_frames(n_distinct: int = 8) -> list[np.ndarray]:
    """Detector-like frames: Poisson background plus a bright diffuse ring, all different."""
    rng = np.random.default_rng(42)
    yy, xx = np.mgrid[: SHAPE[0], : SHAPE[1]]
    r = np.hypot(yy - 500, xx - 530)
    frames = []
    for k in range(n_distinct):
        lam = 20 + 400 * np.exp(-(((r - 200 - 5 * k) / 30) ** 2))
        frames.append(rng.poisson(lam).astype(np.uint16))
    return frames


def plain_h5py(path: Path, frames: list[np.ndarray], n: int, compression: str) -> float:
    t0 = time.perf_counter()
    with h5py.File(path, "w", libver=LIBVER) as f:
        d = f.create_dataset("data", shape=(0, *SHAPE), maxshape=(None, *SHAPE), dtype="uint16",
                             chunks=(1, *SHAPE), **dataset_filter_kwargs(compression))
        for i in range(n):
            d.resize((i + 1, *SHAPE))
            d[i] = frames[i % len(frames)]
    return time.perf_counter() - t0


def camera_scan(n: int) -> ScanStart:
    cam = DeviceDescription("cam", "detector", (
        FieldDescription("data", "data", "cam", "input", shape=SHAPE, dtype="uint16"),))
    return ScanStart("bench", None, f"scan cam {n}", (n,), (cam,), time.time())


def ours(data_dir: Path, frames: list[np.ndarray], n: int, compression: str) -> tuple[float, Path]:
    writer = NexusWriter(data_dir, "bench", frame_compression=compression)
    start = camera_scan(n)
    docs = [ScanPoint("bench", i, (i,), 0.0, {"data": frames[i % len(frames)]}) for i in range(n)]
    t0 = time.perf_counter()
    writer(start)
    for doc in docs:
        writer(doc)
    writer(ScanStop("bench", ScanStatus.COMPLETED_OKAY, n, time.time()))
    elapsed = time.perf_counter() - t0
    writer.close()
    return elapsed, writer.path


def bench_frames(tmp: Path, frames: list[np.ndarray], compression: str, n: int, repeat: int) -> dict:
    best_plain = best_ours = cpu_plain = cpu_ours = float("inf")
    size = 0
    for r in range(repeat):
        plain_path = tmp / f"plain-{compression}-{r}.h5"
        c0 = time.process_time()
        best_plain = min(best_plain, plain_h5py(plain_path, frames, n, compression))
        cpu_plain = min(cpu_plain, time.process_time() - c0)
        plain_path.unlink()
        data_dir = tmp / f"ours-{compression}-{r}"
        c0 = time.process_time()
        t, path = ours(data_dir, frames, n, compression)
        cpu_ours = min(cpu_ours, time.process_time() - c0)
        best_ours = min(best_ours, t)
        size = path.stat().st_size
        shutil.rmtree(data_dir)
    raw = n * frames[0].nbytes
    return {
        "frames": n,
        "compression_ratio": round(raw / size, 2),
        "ours": {"MB_s": round(raw / MB / best_ours, 1), "frames_s": round(n / best_ours, 1),
                 "cpu_ms_per_frame": round(1e3 * cpu_ours / n, 2)},
        "plain_h5py": {"MB_s": round(raw / MB / best_plain, 1), "frames_s": round(n / best_plain, 1),
                       "cpu_ms_per_frame": round(1e3 * cpu_plain / n, 2)},
        "speedup": round(best_plain / best_ours, 2),
    }


def _engine_work(us: float) -> None:
    """Stand-in for the engine's own per-point Python work (holds the GIL)."""
    end = time.perf_counter() + us * 1e-6
    while time.perf_counter() < end:
        pass


def bench_scalars(tmp: Path, n: int = 1000, work_us: float = 200.0, repeat: int = 5) -> dict:
    devices = (
        DeviceDescription("x", "scannable", (FieldDescription("x", "x", "x", "input", units="mm"),), dimension=0),
        DeviceDescription("det", "detector", (FieldDescription("counts", "det", "det", "input"),
                                              FieldDescription("time", "time", "det", "input"))),
    )
    docs = [ScanPoint("s", i, (i,), 0.0, {"x": i * 0.1, "det": 100.0 + i, "time": 0.1}) for i in range(n)]
    feed, paced_with, paced_without, fixed = [], [], [], []
    for r in range(repeat):
        start = ScanStart("s", None, "scan x 0 100 0.1 det", (n,), devices, time.time())
        writer = NexusWriter(tmp / f"scalars-{r}", "bench")
        t0 = time.perf_counter()
        writer(start)
        t1 = time.perf_counter()
        for doc in docs:
            writer(doc)
        t2 = time.perf_counter()
        writer(ScanStop("s", ScanStatus.COMPLETED_OKAY, n, time.time()))
        t3 = time.perf_counter()
        feed.append((t2 - t1) / n)
        fixed.append((t1 - t0) + (t3 - t2))

        # The same points paced by engine work: what the writer (incl. its thread) adds per point.
        t0 = time.perf_counter()
        for _doc in docs:
            _engine_work(work_us)
        paced_without.append(time.perf_counter() - t0)
        start = ScanStart("s", None, "scan x 0 100 0.1 det", (n,), devices, time.time())
        writer(start)
        t0 = time.perf_counter()
        for doc in docs:
            _engine_work(work_us)
            writer(doc)
        paced_with.append(time.perf_counter() - t0)
        writer(ScanStop("s", ScanStatus.COMPLETED_OKAY, n, time.time()))
        writer.close()
    # The alternative policy: a flush per point (time from first point to the end of the stop).
    per_point = []
    for r in range(min(repeat, 3)):
        writer = NexusWriter(tmp / f"scalars-each-{r}", "bench", flush_every_point=True)
        writer(ScanStart("s", None, "scan x 0 100 0.1 det", (n,), devices, time.time()))
        t0 = time.perf_counter()
        for doc in docs:
            _engine_work(work_us)
            writer(doc)
        writer(ScanStop("s", ScanStatus.COMPLETED_OKAY, n, time.time()))
        per_point.append(time.perf_counter() - t0 - float(np.median(paced_without)))
        writer.close()
    return {
        "points": n,
        "feed_us_per_point": round(1e6 * float(np.median(feed)), 2),
        f"flush_every_point_added_us_per_point_with_{work_us:.0f}us_engine_work": round(
            1e6 * float(np.median(per_point)) / n, 2),
        f"added_us_per_point_with_{work_us:.0f}us_engine_work": round(
            1e6 * float(np.median(np.array(paced_with) - np.array(paced_without))) / n, 2),
        "start_plus_stop_ms": round(1e3 * float(np.median(fixed)), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=1000)
    parser.add_argument("--slow-frames", type=int, default=200, help="frames for gzip and lzf")
    parser.add_argument("--repeat", type=int, default=3, help="runs per case (interleaved); the best is kept")
    parser.add_argument("--filters", default="none,blosc,bitshuffle,lzf,gzip")
    parser.add_argument("--dir", default=None, help="where to write (default: a temporary directory)")
    args = parser.parse_args()
    frames = make_frames()
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp_name:
        tmp = Path(tmp_name)
        result: dict = {"cpus": os.cpu_count(), "load_avg_1min": round(os.getloadavg()[0], 2),
                        "frame": "1024x1024 uint16", "h5py": h5py.version.version,
                        "hdf5": h5py.version.hdf5_version, "filters": {}}
        for compression in args.filters.split(","):
            n = args.slow_frames if compression in ("gzip", "lzf") else args.frames
            result["filters"][compression] = bench_frames(tmp, frames, compression, n, args.repeat)
        result["scalar_scan"] = bench_scalars(tmp)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
