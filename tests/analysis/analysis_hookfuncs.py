"""Module-level hooks for the process-pool and Dask tests: a worker process imports this module."""

import os

from gda_bridge.analysis import GaussianPeakAndBackground


def heavy_peak(record):
    out = GaussianPeakAndBackground("peak").process(record["x"], record["det"])
    return {"pos": out.values["pos"], "fwhm": out.values["fwhm"], "pid": os.getpid()}


def heavy_fail(record):
    raise RuntimeError(f"worker says no to scan {record.start.scan_number}")
