"""Analysis results reach the scan file whoever has it open when the scan ends."""

import os
import subprocess
import sys
from pathlib import Path

import h5py
import pytest
from file_checks import check_file
from scan_docs import counter, motor, points, start, stop

from gda_bridge.nexus import NexusWriter, write_process
from gda_bridge.nexus.sidecar import processing_path

HERE = Path(__file__).resolve().parent
ENV = {**os.environ, "PYTHONPATH": f"{HERE.parents[1]}{os.pathsep}{HERE}"}
ENV.pop("HDF5_USE_FILE_LOCKING", None)  # the viewer keeps HDF5's default locking


class Viewer:
    def __init__(self, path: Path, mode: str) -> None:
        self.proc = subprocess.Popen([sys.executable, str(HERE / "hold_open.py"), str(path), mode],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=ENV)
        assert self.proc.stdout.readline().strip() == "open"

    def ask(self, line: str) -> str:
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        return self.proc.stdout.readline().strip()

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.stdin.write("quit\n")
            self.proc.stdin.flush()
        code = self.proc.wait(10)
        self.proc.stdin.close()
        self.proc.stdout.close()
        assert code == 0


def write_peak(path: Path, cen: float) -> str:
    return write_process(path, "peak", "gda_bridge.analysis", "1", {"signal": "det"}, {"cen": cen})


@pytest.mark.parametrize("mode", ["swmr", "plain"])
def test_results_reach_the_file_while_a_viewer_holds_it(data_dir, mode):
    writer = NexusWriter(data_dir, "i99")
    s = start((5,), [motor("x"), counter("det")])
    writer(s)
    path = writer.path
    viewer = None
    if mode == "swmr":  # a live viewer, open from the first point to long after the end
        viewer = Viewer(path, mode)
    for p in points(s):
        writer(p)
    writer(stop(s, 5))
    if viewer is None:  # someone opens the finished file in silx at once
        viewer = Viewer(path, mode)
    try:
        assert write_peak(path, 2.5) == "/entry1/processing/peak"
        write_process(path, "maxval", "gda_bridge.analysis", "1", {"signal": "det"}, {"maxval": 9.0})
        with h5py.File(path, "r") as f:  # another reader, while the viewer still has it open
            assert f["entry1/processing/peak/results/cen"][()] == 2.5
            assert f["entry1/processing/maxval/results/maxval"][()] == 9.0
            assert f["entry1/processing/peak"].attrs["NX_class"] == "NXprocess"
            assert f["entry1/processing/maxval/sequence_index"][()] == 2
        # the viewer sees them on its next look, through the file it has held all along
        assert viewer.ask("read") == "results maxval peak"
    finally:
        viewer.close()
    check_file(path)
    with h5py.File(path, "r") as f:
        assert f["entry1/processing/peak/results/cen"][()] == 2.5


def test_a_viewer_of_the_processing_file_does_not_stop_a_later_result(data_dir):
    writer = NexusWriter(data_dir, "i99")
    s = start((3,), [motor("x"), counter("det")])
    writer(s)
    for p in points(s):
        writer(p)
    writer(stop(s, 3))
    write_peak(writer.path, 1.0)
    viewer = Viewer(writer.path, "plain")
    try:
        assert viewer.ask("read") == "results peak"  # it now holds the processing file too
        write_peak(writer.path, 2.0)  # a hook's second pass replaces the group
        with h5py.File(writer.path, "r") as f:
            assert f["entry1/processing/peak/results/cen"][()] == 2.0
    finally:
        viewer.close()


def test_a_file_without_the_link_gets_it_or_the_results_are_kept_beside_it(data_dir, monkeypatch):
    import gda_bridge.nexus.process as process

    path = data_dir / "old-1.nxs"
    data_dir.mkdir()
    with h5py.File(path, "w") as f:
        f.create_group("entry1")
    write_peak(path, 3.0)
    with h5py.File(path, "r") as f:
        assert f["entry1/processing/peak/results/cen"][()] == 3.0

    other = data_dir / "old-2.nxs"
    with h5py.File(other, "w") as f:
        f.create_group("entry1")
    monkeypatch.setattr(process, "LINK_RETRIES", 2)
    with h5py.File(other, "r"):  # a reader holds it: the link cannot be added
        proc = subprocess.Popen([sys.executable, "-c",
                                 "import h5py,sys; f=h5py.File(sys.argv[1],'r'); print('open',flush=True); sys.stdin.read()",
                                 str(other)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=ENV)
        try:
            assert proc.stdout.readline().strip() == "open"
            with pytest.raises(process.NexusWriteError, match=r"results are in .*old-2-processing\.h5"):
                write_peak(other, 4.0)
        finally:
            proc.stdin.close()
            proc.wait(10)
            proc.stdout.close()
    with h5py.File(processing_path(other), "r") as f:
        assert f["entry1/processing/peak/results/cen"][()] == 4.0


def test_a_session_scan_watched_by_a_live_viewer_keeps_its_analysis_results(data_dir, ctx, monkeypatch):
    from gda_bridge.commands import scan
    from gda_bridge.core.documents import ScanPoint
    from gda_bridge.session import Session, demo_devices

    monkeypatch.setenv("GDA_BRIDGE_DATA_DIR", str(data_dir))
    session = Session(ctx=ctx)
    session.add_devices(demo_devices())
    viewers = []

    def open_viewer(doc):  # the beamline's live plot opens the file at the first point
        if isinstance(doc, ScanPoint) and doc.index == 0:
            viewers.append(Viewer(session.files.writer.path, "swmr"))

    unsubscribe = ctx.stream.subscribe(open_viewer)
    try:
        result = scan(session.namespace["x"], -2, 3, 0.1, session.namespace["det"], 0.0)
        session.processing.wait_idle(30)
        assert not [line for line in ctx.lines if "Could not store" in line]
        assert len(viewers) == 1 and viewers[0].proc.poll() is None  # still open
        with h5py.File(result.file, "r") as f:
            fitted = f["entry1/processing/peak/results/pos"][()]
            assert fitted == pytest.approx(session.namespace["peak"].result.pos)
            assert set(f["entry1/processing"]) >= {"maxval", "minval", "com", "peak"}
        assert "peak" in viewers[0].ask("read").split()
    finally:
        unsubscribe()
        for viewer in viewers:
            viewer.close()
        session.close()
