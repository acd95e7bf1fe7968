"""Scans of a motor whose move goes wrong, recorded in a real NeXus file, and the fault injection."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import epics
import h5py
import numpy as np

from gda_bridge.session.files import ScanFiles


def caput(pvname: str, value: object) -> None:
    assert epics.get_pv(pvname, connect=True).put(value, wait=True, timeout=10) is not None


def caget(pvname: str) -> object:
    return epics.caget(pvname, use_monitor=False, timeout=5)


@contextmanager
def scan_file(ctx, data_dir: Path) -> Iterator[ScanFiles]:  # noqa: ANN001
    """Every scan of the block writes ``data_dir/i99-<n>.nxs``."""
    files = ScanFiles(ctx, data_dir, "i99")
    try:
        yield files
    finally:
        files.close()


@dataclass
class ScanFile:
    status: str
    reason: str
    points_completed: int
    positions: np.ndarray  # the motor's recorded positions, NaN where not reached


def read_scan_file(path: Path, motor: str) -> ScanFile:
    with h5py.File(path, "r") as f:
        entry = f["entry1"]
        group = entry[f"instrument/{motor}"]
        return ScanFile(status=entry["scan_status"][()].decode(), reason=entry["scan_reason"][()].decode(),
                        points_completed=int(entry["points_completed"][()]), positions=group[motor][()])


class FaultMidMove:
    """Puts ``value`` to ``pvname`` once, from its own thread, as soon as the motor's RBV is strictly
    between ``low`` and ``high`` (a range only passed through mid-move): timed by the RBV monitor."""

    def __init__(self, rbv_pv: str, low: float, high: float, pvname: str, value: object) -> None:
        self.low, self.high, self.pvname, self.value = low, high, pvname, value
        self.fired = threading.Event()
        self._cond = threading.Condition()
        self._seen_at: float | None = None
        self._closed = False
        self._rbv = epics.PV(rbv_pv, callback=self._on_rbv)
        assert self._rbv.wait_for_connection(5)
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _on_rbv(self, value: float, **_: object) -> None:
        if self.low < value < self.high:
            with self._cond:
                self._seen_at = value
                self._cond.notify_all()

    def _run(self) -> None:
        with self._cond:
            self._cond.wait_for(lambda: self._seen_at is not None or self._closed, timeout=60)
            if self._seen_at is None:
                return
        epics.caput(self.pvname, self.value, wait=False)
        self.fired.set()

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        self._thread.join(5)
        self._rbv.disconnect()
