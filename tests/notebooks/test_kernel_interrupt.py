"""A kernel interrupt (Jupyter's stop button) during a scan started in GDA syntax stops the motor
and leaves a file that h5py reads, saying the scan did not complete."""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path

import h5py
from jupyter_client.manager import start_new_kernel

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 60.0


def outputs_until_idle(kc, msg_id: str, on_text=None) -> str:
    """The stream text and errors of one execution, until the kernel is idle again."""
    text = ""
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        msg = kc.get_iopub_msg(timeout=TIMEOUT)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        kind, content = msg["msg_type"], msg["content"]
        if kind == "stream":
            text += content["text"]
            if on_text is not None:
                on_text(text)
        elif kind == "error":
            text += f"\n{content['ename']}: {content['evalue']}\n"
        elif kind == "execute_result":
            text += content["data"].get("text/plain", "")
        elif kind == "status" and content["execution_state"] == "idle":
            return text
    raise AssertionError(f"execution {msg_id} did not end within {TIMEOUT} s; output so far: {text}")


def test_interrupting_the_kernel_mid_scan_stops_the_motor_and_leaves_a_valid_file(tmp_path, data_dir):
    shutil.copy(ROOT / "docs" / "notebooks" / "sim_devices.toml", tmp_path)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    km, kc = start_new_kernel(kernel_name="python3", cwd=str(tmp_path), env=env)
    try:
        setup = kc.execute("%load_ext gda_bridge\n%gda_config sim_devices.toml")
        assert "Error" not in outputs_until_idle(kc, setup)
        msg_id = kc.execute("scan x 0 10 0.01 det 0.02")  # 1001 points: about 20 s

        interrupted = []

        def interrupt_after_some_points(text: str) -> None:
            # the progress line shows 0/1001 as the scan starts: wait for points done
            if not interrupted and re.search(r"[1-9]\d*/1001 points", text) and "Writing data to file" in text:
                km.interrupt_kernel()
                interrupted.append(time.monotonic())

        text = outputs_until_idle(kc, msg_id, interrupt_after_some_points)
        assert interrupted, text
        assert "KeyboardInterrupt" in text
        check = kc.execute("print(x.isBusy(), round(x.getPosition(), 3))")
        busy, where = outputs_until_idle(kc, check).split()
        assert busy == "False"
        again = kc.execute("print(round(x.getPosition(), 3))")
        assert outputs_until_idle(kc, again).split() == [where]  # it stays put: it was stopped
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    files = list(data_dir.glob("*.nxs"))
    assert [f.name for f in files] == ["nb-1.nxs"]
    with h5py.File(files[0], "r") as f:
        status = f["/entry1/scan_status"][()].decode()
        points = int(f["/entry1/points_completed"][()])
    assert status != "COMPLETED_OKAY"
    assert 0 < points < 1001
