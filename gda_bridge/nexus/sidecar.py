"""The processing file beside each scan file, where post-scan analysis writes its results.

A viewer (a SWMR reader, silx) nearly always has the scan file open when the scan ends, and HDF5's
file locking then refuses the ``r+`` open needed to add groups to it. So the scan file gets, at its
creation (before SWMR mode forbids new objects), an external link ``/<entry>/processing`` to the
group of the same path in ``<scan>-processing.h5``, created at the same moment and empty (the same
path: nexusformat only follows external group links whose target path is the link's own). Readers
resolve the link transparently (``f["entry1/processing/peak"]``); the analysis rewrites only the
processing file, and does so by writing a copy and renaming it over the old one, so a reader that
holds the old one keeps a consistent (older) view and nobody's lock can stop it.
"""

from __future__ import annotations

import os
from pathlib import Path

import h5py

GROUP = "processing"
SUFFIX = "-processing.h5"


def processing_path(scan_path: str | os.PathLike[str]) -> Path:
    """``<dir>/<beamline>-<n>-processing.h5`` for ``<dir>/<beamline>-<n>.nxs``."""
    scan_path = Path(scan_path)
    return scan_path.with_name(scan_path.stem + SUFFIX)


def create_processing_file(entry: h5py.Group, scan_path: Path, libver: tuple[str, str]) -> Path:
    """Create the (empty) processing file of ``scan_path`` and link it from ``entry``."""
    path = processing_path(scan_path)
    with h5py.File(path, "w-", libver=libver) as f:
        init_processing_file(f, entry.name.strip("/"))
    link_processing_file(entry, path)
    return path


def link_processing_file(entry: h5py.Group, path: Path) -> None:
    # relative name: HDF5 looks for it beside the scan file, so the pair can be moved together
    entry[GROUP] = h5py.ExternalLink(path.name, f"{entry.name}/{GROUP}")


def init_processing_file(f: h5py.File, entry: str) -> h5py.Group:
    """The processing file's layout: ``/<entry>`` (NXentry) ``/processing`` (NXcollection)."""
    f.attrs["NX_class"] = "NXroot"
    f.attrs["default"] = entry
    group_entry = f.create_group(entry)
    group_entry.attrs["NX_class"] = "NXentry"
    group = group_entry.create_group(GROUP)
    group.attrs["NX_class"] = "NXcollection"
    return group
