"""Frames a detector wrote to files of its own, seen through the scan file.

At layout time ``/entry1/instrument/<det>/data`` (and the detector's NXdata signal) is an
external link to the dataset of the detector's first file, so a SWMR reader sees the frames as
they are written. When the scan ends, the detector's report (ScanStop.frames_written) decides:
one file holding exactly the frames of the recorded points keeps the link; frames over several
files, or a file with frames of no recorded point (a retaken point), become a virtual dataset
over exactly the frames used. ``frames_written`` says how many frames the scan file holds.
See docs/nexus.md.
"""

from __future__ import annotations

import logging
from pathlib import Path

import h5py
import numpy as np

from gda_bridge.core.documents import DeviceDescription, ExternalFrames, FramesWritten

log = logging.getLogger("gda_bridge.nexus")

REASON_WIDTH = 1024


def first_file(spec: ExternalFrames, scan_path: Path) -> str:
    """The detector's first file name, relative to the scan file's folder."""
    return spec.first_file.replace("{scan}", scan_path.stem)


def link_target(name: str) -> str:
    """A file name for a link or a virtual source: relative names start with ``./`` so that
    HDF5 looks for them beside the scan file."""
    return name if Path(name).is_absolute() else f"./{name}"


def create_frame_links(group: h5py.Group, ddesc: DeviceDescription, scan_path: Path) -> h5py.ExternalLink:
    """The detector group's frame link and the datasets that say how many frames there are."""
    spec = ddesc.external_frames
    assert spec is not None
    link = h5py.ExternalLink(link_target(first_file(spec, scan_path)), spec.dataset)
    group["data"] = link
    group["frames_per_point"] = np.int64(spec.frames_per_point)
    group.create_dataset("frames_written", data=np.int64(0))
    group.create_dataset("frames_reason", data=np.bytes_(b""), dtype=f"S{REASON_WIDTH}")
    return link


def finish_frames(path: Path, entry_name: str, start_devices: tuple[DeviceDescription, ...],
                  groups: dict[str, str], nxdata: dict[str, str], reports: tuple[FramesWritten, ...],
                  stop_reason: str | None) -> None:
    """Reopen the closed scan file and record what each file-writing detector wrote.

    ``groups``/``nxdata`` map device names to their instrument group and NXdata group paths.
    """
    by_device = {r.device: r for r in reports}
    with h5py.File(path, "r+") as f:
        entry = f[entry_name]
        for ddesc in start_devices:
            spec = ddesc.external_frames
            if spec is None or ddesc.name not in groups:
                continue
            group = entry[groups[ddesc.name]]
            written = by_device.get(ddesc.name)
            if written is None:
                reason = f"{ddesc.name} reported no frames" + (f" ({stop_reason})" if stop_reason else "")
                group["frames_reason"][()] = np.bytes_(reason.encode()[:REASON_WIDTH])
                continue
            sources = _frames_by_uid(group, spec, written, path.parent)
            reason = written.reason
            if sources is None:  # no UniqueIds to go by: the first frames of each file are the points'
                sources = [(name, i) for name, used, _in_file in written.files for i in range(used)]
            missing = sum(s is None for s in sources)
            if missing:
                gap = f"{missing} of the {len(sources)} frames of the recorded points are in no file of {ddesc.name}"
                reason = f"{reason}; {gap}" if reason else gap
            group["frames_written"][()] = np.int64(len(sources) - missing)
            if reason:
                group["frames_reason"][()] = np.bytes_(reason.encode()[:REASON_WIDTH])
            if _link_is_exact(sources, written, first_file(spec, path)):
                continue
            del group["data"]
            _create_vds(group, "data", spec, written, sources)
            if ddesc.name in nxdata:
                nx = entry[nxdata[ddesc.name]]
                del nx["data"]
                nx["data"] = group["data"]


Source = tuple[str, int] | None
"""Where one frame of a recorded point is: (detector file, index in it), None if in none."""


def _frames_by_uid(group: h5py.Group, spec: ExternalFrames, written: FramesWritten, folder: Path) -> list[Source] | None:
    """Each recorded point's frames, found by UniqueId in the detector files; None when the
    files or the scan file do not hold the UniqueIds."""
    if spec.uid_field is None or spec.uid_dataset is None or spec.uid_field not in group:
        return None
    last = np.asarray(group[spec.uid_field][()], dtype=np.float64).ravel()
    last = last[np.isfinite(last)].astype(np.int64)
    where: dict[int, tuple[str, int]] = {}
    for name, _used, _in_file in written.files:
        try:  # closed by the plugin by now; no lock, so a reader holding it open does not matter
            with h5py.File(folder / name, "r", locking=False) as f:
                uids = f[spec.uid_dataset][()] if spec.uid_dataset in f else None
        except OSError as exc:
            log.warning("cannot read the UniqueIds of %s (%s); the frames are mapped by count", folder / name, exc)
            return None
        if uids is None:
            return None
        for i, uid in enumerate(np.asarray(uids).tolist()):
            where.setdefault(int(uid), (name, i))
    fpp = spec.frames_per_point
    return [where.get(int(u)) for end in last for u in range(end - fpp + 1, end + 1)]


def _link_is_exact(sources: list[Source], written: FramesWritten, first: str) -> bool:
    """The link to the first file shows exactly the points' frames: all of its frames, in order."""
    if len(written.files) != 1 or written.files[0][0] != first or written.files[0][2] != len(sources):
        return False
    return all(s == (first, i) for i, s in enumerate(sources))


def _create_vds(group: h5py.Group, name: str, spec: ExternalFrames, written: FramesWritten,
                sources: list[Source]) -> None:
    """A virtual dataset of the points' frames in point order; runs of consecutive frames of one
    file are mapped as one block, a missing frame reads as 0 (and is counted as missing)."""
    frame_shape = tuple(spec.frame_shape)
    dtype = np.dtype(spec.dtype)
    layout = h5py.VirtualLayout(shape=(len(sources), *frame_shape), dtype=dtype)
    in_file = {file_name: n for file_name, _used, n in written.files}
    virtual = {file_name: h5py.VirtualSource(link_target(file_name), written.dataset, shape=(n, *frame_shape),
                                             dtype=dtype) for file_name, n in in_file.items()}
    at = 0
    while at < len(sources):
        source = sources[at]
        if source is None:
            at += 1
            continue
        file_name, first = source
        run = 1
        while at + run < len(sources) and sources[at + run] == (file_name, first + run):
            run += 1
        layout[at:at + run] = virtual[file_name][first:first + run]
        at += run
    group.create_virtual_dataset(name, layout, fillvalue=0)
    group[name].attrs["interpretation"] = "image"
    log.info("%s: %d frames of %d files in a virtual dataset", spec.first_file, len(sources), len(written.files))
