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
            group["frames_written"][()] = np.int64(written.frames)
            if written.reason:
                group["frames_reason"][()] = np.bytes_(written.reason.encode()[:REASON_WIDTH])
            if _link_is_exact(written, first_file(spec, path)):
                continue
            del group["data"]
            _create_vds(group, "data", spec, written, path.parent)
            if ddesc.name in nxdata:
                nx = entry[nxdata[ddesc.name]]
                del nx["data"]
                nx["data"] = group["data"]


def _link_is_exact(written: FramesWritten, first: str) -> bool:
    return len(written.files) == 1 and written.files[0][0] == first and written.files[0][1] == written.files[0][2]


def _create_vds(group: h5py.Group, name: str, spec: ExternalFrames, written: FramesWritten, folder: Path) -> None:
    frame_shape = tuple(spec.frame_shape)
    dtype = np.dtype(spec.dtype)
    layout = h5py.VirtualLayout(shape=(written.frames, *frame_shape), dtype=dtype)
    at = 0
    for file_name, used, in_file in written.files:
        if used == 0:
            continue
        source = h5py.VirtualSource(link_target(file_name), written.dataset, shape=(in_file, *frame_shape),
                                    dtype=dtype)
        layout[at:at + used] = source[:used]
        at += used
    group.create_virtual_dataset(name, layout, fillvalue=0)
    group[name].attrs["interpretation"] = "image"
    log.info("%s: frames of %d files in a virtual dataset", spec.first_file, len(written.files))
