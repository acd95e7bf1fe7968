"""Camera frames into the scan file: areaDetector's file plugin vs Channel Access vs plain h5py.

Starts the simulated IOC with a 1024x1024 uint16 camera (Spot frames, precomputed and cycled)
on a loopback port of ``GDA_BRIDGE_PORT_RANGE`` and, in one run, measures:

* ``file_plugin``: ``scan x 0 <n-1> 1 cam t`` with ``AreaDetector(file_plugin="HDF1:")``, image1
  disabled: the IOC's NDFileHDF5 writes the frames, the scan file links them (one frame per
  point, after a warm-up scan that starts the JVM; and ``file_plugin_multi``: ``--frames-per-point`` frames per point, fewer points);
* ``channel_access``: the same scan with today's preview path (image1:ArrayData into Python,
  the NeXus writer stores the frames; ``--ca-frames`` frames, labelled);
* ``plain_h5py``: this process writing the same number of frames with h5py (resize + assign,
  one chunk per frame, no compression): the disk's limit here.

JSON: frames/s and MB/s each, ratios a/b and a/c, CPU milliseconds per frame (this process and
the IOC; the client's CPU ratio b/a says what the file path saves the scanning process), frames lost (points x frames per point - frames the scan file holds) and the scan's end
lag (ScanStop time - last point's time). Run from the repository root:

    PYTHONPATH=. python scripts/benchmarks/bench_detector.py [--frames 1000]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from gda_bridge.sim_ioc import start_ioc  # noqa: E402  (no pyepics import: env first)

NX = NY = 1024
FRAME_BYTES = NX * NY * 2
MB = 1e6


def cpu_of(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def port_in_range() -> int:
    spec = os.environ.get("GDA_BRIDGE_PORT_RANGE", "")
    return int(spec.split("-")[0]) + 77 if spec else 0


def run_scan(ioc, data_dir: Path, points: int, fpp: int, exposure: float, file_mode: bool) -> dict:  # noqa: ANN001
    import epics
    import h5py

    from gda_bridge.commands import scan
    from gda_bridge.core.documents import ScanPoint, ScanStop
    from gda_bridge.devices.sim import SimMotor
    from gda_bridge.epics import AreaDetector
    from gda_bridge.nexus import NexusWriter
    from gda_bridge.scans.context import context

    for name, value in {"cam1:SimMode": "Spot", "cam1:DataType": "UInt16", "cam1:AcquirePeriod": 0.0,
                        "image1:EnableCallbacks": "Disable" if file_mode else "Enable",
                        "HDF1:EnableCallbacks": "Enable" if file_mode else "Disable",
                        "STATS1:EnableCallbacks": "Disable"}.items():
        epics.get_pv(ioc.pv(name), connect=True).put(value, wait=True, timeout=10)
    ctx = context()
    ctx.output = lambda line: None
    ctx.default_session = None
    ctx.reset_stream()
    writer = NexusWriter(data_dir, "bench", frame_compression="none")
    ctx.stream.subscribe(writer, critical=True, first=True)
    times: dict[str, float] = {}
    ctx.stream.subscribe(lambda d: times.__setitem__("last_point", d.time) if isinstance(d, ScanPoint)
                         else times.__setitem__("stop", d.time) if isinstance(d, ScanStop) else None)
    x = SimMotor("x")
    kwargs = {"file_plugin": "HDF1:", "frames_per_point": fpp} if file_mode else {}
    cam = AreaDetector("cam", ioc.prefix, connection_timeout=30.0, **kwargs)
    try:
        cpu0, ioc_cpu0 = time.process_time(), cpu_of(ioc.process.pid)
        t0 = time.perf_counter()
        result = scan(x, 0, points - 1, 1, cam, exposure)
        elapsed = time.perf_counter() - t0
        cpu, ioc_cpu = time.process_time() - cpu0, cpu_of(ioc.process.pid) - ioc_cpu0
    finally:
        cam.close()
        writer.close()
        ctx.reset_stream()
    frames = points * fpp
    with h5py.File(writer.path, "r") as f:
        held = (int(f["entry1/instrument/cam/frames_written"][()]) if file_mode
                else int(f["entry1/points_completed"][()]))
        reason = f["entry1/instrument/cam/frames_reason"][()].decode() if file_mode else ""
    return {
        "frames": frames, "points": points, "frames_per_point": fpp, "status": result.status.value,
        "seconds": round(elapsed, 3), "frames_per_s": round(frames / elapsed, 1),
        "MB_per_s": round(frames * FRAME_BYTES / MB / elapsed, 1),
        "cpu_ms_per_frame": round(cpu / frames * 1e3, 3), "ioc_cpu_ms_per_frame": round(ioc_cpu / frames * 1e3, 3),
        "frames_lost": frames - held, **({"frames_reason": reason} if reason else {}),
        "end_lag_ms": round((times["stop"] - times["last_point"]) * 1e3, 1),
    }


def plain_h5py(folder: Path, frames: int) -> dict:
    import h5py
    import numpy as np

    rng = np.random.default_rng(1)
    pool = [rng.integers(0, 4000, (NY, NX), dtype=np.uint16) for _ in range(8)]
    cpu0, t0 = time.process_time(), time.perf_counter()
    with h5py.File(folder / "plain.h5", "w", libver=("v110", "v114")) as f:
        d = f.create_dataset("data", shape=(0, NY, NX), maxshape=(None, NY, NX), dtype="uint16", chunks=(1, NY, NX))
        for i in range(frames):
            d.resize((i + 1, NY, NX))
            d[i] = pool[i % len(pool)]
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    return {"frames": frames, "seconds": round(elapsed, 3), "frames_per_s": round(frames / elapsed, 1),
            "MB_per_s": round(frames * FRAME_BYTES / MB / elapsed, 1),
            "cpu_ms_per_frame": round(cpu / frames * 1e3, 3)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=1000)
    parser.add_argument("--ca-frames", type=int, default=200, help="frames through Channel Access")
    parser.add_argument("--frames-per-point", type=int, default=100)
    parser.add_argument("--exposure", type=float, default=0.0005)
    parser.add_argument("--folder", default=None, help="where the files go (default: a temporary folder; "
                        "/dev/shm takes the disk out of the comparison)")
    args = parser.parse_args()

    ioc = start_ioc(port=port_in_range(), args=("--frame-size", f"{NX}x{NY}", "--data-type", "UInt16"))
    os.environ.update(ioc.env)
    folder = Path(tempfile.mkdtemp(prefix="bench-detector-", dir=args.folder))
    try:
        run_scan(ioc, folder / "warm-up", 10, 1, args.exposure, True)  # JVM start and first connections
        run_scan(ioc, folder / "warm-up-ca", 3, 1, args.exposure, False)
        a = run_scan(ioc, folder / "a", args.frames, 1, args.exposure, True)
        a_multi = run_scan(ioc, folder / "a_multi", max(1, args.frames // args.frames_per_point),
                           args.frames_per_point, args.exposure, True)
        b = run_scan(ioc, folder / "b", args.ca_frames, 1, args.exposure, False)
        c = plain_h5py(folder, args.frames)
    finally:
        ioc.stop()
        shutil.rmtree(folder, ignore_errors=True)
    result = {
        "benchmark": "detector_frames",
        "frame": f"{NX}x{NY} uint16",
        "file_plugin": a,
        "file_plugin_multi": a_multi,
        "channel_access": {**b, "note": f"{args.ca_frames} frames (fewer than the others)"},
        "plain_h5py": c,
        "ratio_a_over_b": round(a["frames_per_s"] / b["frames_per_s"], 2),
        "ratio_a_multi_over_b": round(a_multi["frames_per_s"] / b["frames_per_s"], 2),
        "ratio_a_over_c": round(a["frames_per_s"] / c["frames_per_s"], 3),
        "ratio_a_multi_over_c": round(a_multi["frames_per_s"] / c["frames_per_s"], 3),
        "client_cpu_ratio_b_over_a": round(b["cpu_ms_per_frame"] / a["cpu_ms_per_frame"], 1),
        "client_cpu_ratio_b_over_a_multi": round(b["cpu_ms_per_frame"] / a_multi["cpu_ms_per_frame"], 1),
        "folder": str(folder.parent),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average": [round(v, 2) for v in os.getloadavg()],
    }
    json.dump(result, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
