"""Results of post-scan analysis, written as NXprocess groups into the scan's processing file
(``<scan>-processing.h5``, linked from the scan file as ``/<entry>/processing``: see
``gda_bridge.nexus.sidecar`` for why they do not go into the scan file itself)."""

from __future__ import annotations

import datetime
import logging
import os
import shutil
import time
from pathlib import Path
from typing import Any

import h5py

from gda_bridge.nexus.layout import nx_name
from gda_bridge.nexus.metadata import write_collection
from gda_bridge.nexus.sidecar import GROUP, init_processing_file, link_processing_file, processing_path
from gda_bridge.nexus.writer import LIBVER, NexusWriteError

log = logging.getLogger("gda_bridge.nexus")

LINK_RETRIES = 10
"""Attempts (a second apart) to add the link to a scan file written without one."""


def write_process(
    path: str | os.PathLike[str],
    name: str,
    program: str,
    version: str,
    inputs: dict[str, Any],
    results: dict[str, Any],
    entry: str = "entry1",
) -> str:
    """Add the NXprocess group ``<name>`` (program, version, date, sequence_index, ``inputs`` and
    ``results`` NXcollections) to the processing file of the scan file at ``path``; a group of
    that name is replaced. Returns its path as seen through the scan file
    (``/<entry>/processing/<name>``).

    Readers holding the scan file or the processing file open do not stop it. A scan file
    written without the link (by an older writer) gets it added; if a reader's lock prevents
    that for ``LINK_RETRIES`` seconds, the results stay in the processing file beside it and
    NexusWriteError says so.
    """
    path = Path(path)
    if not path.exists():
        raise NexusWriteError(f"cannot add the {name!r} results to {path}: it does not exist")
    side = processing_path(path)
    gname = nx_name(name)
    tmp = side.with_name(f".{side.name}.{os.getpid()}.tmp")
    try:
        if side.exists():
            shutil.copyfile(side, tmp)
            f = h5py.File(tmp, "r+", libver=LIBVER)
        else:
            f = h5py.File(tmp, "w", libver=LIBVER)
        with f:
            if f"{entry}/{GROUP}" not in f:
                init_processing_file(f, entry)
            _add_group(f[f"{entry}/{GROUP}"], gname, program, version, inputs, results)
        os.replace(tmp, side)  # atomic: a reader sees the old file or the new one, never half
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise NexusWriteError(f"cannot write the {name!r} results to {side}: {exc}") from exc
    _ensure_link(path, side, entry, name)
    return f"/{entry}/{GROUP}/{gname}"


def _add_group(parent: h5py.Group, gname: str, program: str, version: str,
               inputs: dict[str, Any], results: dict[str, Any]) -> None:
    if gname in parent:
        log.info("replacing the %s results in %s", gname, parent.file.filename)
        del parent[gname]
    others = [
        g for g in parent.values()
        if isinstance(g, h5py.Group) and g.attrs.get("NX_class") == "NXprocess"
    ]
    group = parent.create_group(gname)
    group.attrs["NX_class"] = "NXprocess"
    group["program"] = program
    group["version"] = version
    group["date"] = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
    group["sequence_index"] = len(others) + 1
    write_collection(group.create_group("inputs"), inputs)
    write_collection(group.create_group("results"), results)


def _ensure_link(path: Path, side: Path, entry: str, name: str) -> None:
    """Link the processing file from a scan file that has no link yet (written without one)."""
    error: OSError | None = None
    for attempt in range(LINK_RETRIES):
        try:
            with h5py.File(path, "r", libver=LIBVER) as f:
                if entry not in f:
                    raise NexusWriteError(f"{path} has no entry {entry!r} to add the {name!r} results to")
                if GROUP in f[entry]:
                    return
            with h5py.File(path, "r+", libver=LIBVER) as f:
                link_processing_file(f[entry], side)
                log.info("linked %s from %s", side.name, path)
                return
        except OSError as exc:  # another process has it open (HDF5's lock)
            error = exc
            if attempt + 1 < LINK_RETRIES:
                time.sleep(1.0)
    raise NexusWriteError(
        f"the {name!r} results are in {side}, but {path} could not be linked to it ({error}); "
        "open that file for them"
    )
