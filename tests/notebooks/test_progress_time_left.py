"""In a real Jupyter kernel: a scan's header says its estimate and the progress line the time
left, from that estimate before any point is done, as the points come after."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from jupyter_client.manager import start_new_kernel

from tests.notebooks.test_kernel_interrupt import outputs_until_idle

ROOT = Path(__file__).resolve().parents[2]


def test_the_header_says_the_estimate_and_the_progress_line_the_time_left(tmp_path, data_dir):
    shutil.copy(ROOT / "docs" / "notebooks" / "sim_devices.toml", tmp_path)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    km, kc = start_new_kernel(kernel_name="python3", cwd=str(tmp_path), env=env)
    try:
        setup = kc.execute("%load_ext gda_bridge\n%gda_config sim_devices.toml\nx.speed = 2.0")
        assert "Error" not in outputs_until_idle(kc, setup)
        text = outputs_until_idle(kc, kc.execute("scan x 0 2 0.5 det 0.1"))  # 5 points, 4 moves of 0.25 s
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    header = re.search(r"scan x 0 2 0.5 det 0.1  \(5 points, about (\d+\.\d) s\)", text)
    assert header, text
    estimated = float(header.group(1))
    assert estimated >= 5 * 0.1 + 4 * 0.25
    before = re.search(r"scan \d+: 0/5 points, (\d+) s left", text)  # said at the start, from the estimate
    assert before, text
    assert abs(float(before.group(1)) - estimated) <= 0.5 + 1e-9
    assert re.search(r"scan \d+: [1-4]/5 points, \d+ s left", text), text
    assert re.search(r"scan \d+: 5/5 points, done in \d+\.\d s", text), text
