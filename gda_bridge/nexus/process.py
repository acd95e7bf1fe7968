"""Results of post-scan analysis, added to a closed scan file as an NXprocess group."""

from __future__ import annotations

import datetime
import logging
import os
from typing import Any

import h5py

from gda_bridge.nexus.layout import nx_name
from gda_bridge.nexus.metadata import write_collection
from gda_bridge.nexus.writer import LIBVER, NexusWriteError

log = logging.getLogger("gda_bridge.nexus")


def write_process(
    path: str | os.PathLike[str],
    name: str,
    program: str,
    version: str,
    inputs: dict[str, Any],
    results: dict[str, Any],
    entry: str = "entry1",
) -> str:
    """Add ``/<entry>/<name>`` (NXprocess: program, version, date, sequence_index, ``inputs`` and
    ``results`` NXcollections) to the scan file at ``path``; a group of that name is replaced.
    Returns the group's path in the file."""
    try:
        f = h5py.File(path, "r+", libver=LIBVER)
    except OSError as exc:
        raise NexusWriteError(f"cannot open {path} to add the {name!r} results: {exc}") from exc
    with f:
        if entry not in f:
            raise NexusWriteError(f"{path} has no entry {entry!r} to add the {name!r} results to")
        group_entry = f[entry]
        gname = nx_name(name)
        if gname in group_entry:
            log.info("replacing %s/%s in %s", entry, gname, path)
            del group_entry[gname]
        others = [
            g for g in group_entry.values()
            if isinstance(g, h5py.Group) and g.attrs.get("NX_class") == "NXprocess"
        ]
        group = group_entry.create_group(gname)
        group.attrs["NX_class"] = "NXprocess"
        group["program"] = program
        group["version"] = version
        group["date"] = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
        group["sequence_index"] = len(others) + 1
        write_collection(group.create_group("inputs"), inputs)
        write_collection(group.create_group("results"), results)
        return group.name
