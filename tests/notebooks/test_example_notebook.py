"""docs/notebooks/scan_with_gda_bridge.ipynb executed in a real Jupyter kernel (nbclient) against
its simulated devices: GDA syntax ran, the NeXus files are there and readable by h5py, the
analysis found the peak and ``go peak`` moved to it, and the plot was there when the cell ended."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import h5py
import nbformat
import numpy as np
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "docs" / "notebooks"


def text_of(cell) -> str:
    return "".join(o.get("text", "") or o.get("data", {}).get("text/plain", "") for o in cell.get("outputs", []))


def test_the_example_notebook_runs_gda_syntax_writes_files_and_finds_the_peak(tmp_path, data_dir, monkeypatch):
    for name in ("scan_with_gda_bridge.ipynb", "sim_devices.toml"):
        shutil.copy(NOTEBOOKS / name, tmp_path / name)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    nb = nbformat.read(tmp_path / "scan_with_gda_bridge.ipynb", as_version=4)
    NotebookClient(nb, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    code = [c for c in nb.cells if c.cell_type == "code"]
    outputs = {c.source.splitlines()[0]: text_of(c) for c in code}

    gda_scan = next(c for c in code if c.source.startswith("scan x 0 2.5 0.05 det 0.01"))
    live = [o for o in gda_scan.outputs if "image/png" in o.get("data", {})]
    assert len(live) == 1, "the live plot: one image in the scan's cell, updated in place"
    first = data_dir / "nb-1.nxs"
    assert f"Writing data to file: {first}" in outputs["scan x 0 2.5 0.05 det 0.01"]
    assert "51/51 points, done in" in outputs["scan x 0 2.5 0.05 det 0.01"]  # the progress line
    with h5py.File(first, "r") as f:
        det = f["/entry1/det/data"][()]
        assert det.shape == (51,)
        assert f["/entry1/det/x"][()][np.argmax(det)] == pytest.approx(1.3, abs=0.16)  # 2 % noise
        assert "processing" in f["/entry1"]  # the analysis results went into the file

    peak_cell = outputs["print(f\"peak at x = {peak.result.pos:.3f}, fwhm = {peak.result.fwhm:.3f}\")"]
    fitted = float(peak_cell.split("peak at x = ")[1].split(",")[0])
    assert abs(fitted - 1.3) < 0.02
    assert f"x is now at {fitted:.3f}" in peak_cell  # go peak (GDA syntax) moved x there

    python_scan = next(c for c in code if c.source.startswith("from IPython.display import Image"))
    assert str(data_dir / "nb-2.nxs") in text_of(python_scan)
    assert any("image/png" in o.get("data", {}) for o in python_scan.outputs)  # the plot was ready
    assert text_of(code[-1]).split() == ["(26,)", "b'COMPLETED_OKAY'"]  # h5py in the kernel, second scan
