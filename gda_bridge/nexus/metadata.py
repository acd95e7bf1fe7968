"""The NXentry's scan-level fields and the groups made from metadata: the user's ``meta_add``
values, the before-scan values (with their units), NXsample, NXuser and NXsource.

All of it is written when the file is created, before SWMR mode starts.
"""

from __future__ import annotations

import getpass
import os
from typing import Any

import h5py
import numpy as np

from gda_bridge.core.documents import ScanStart
from gda_bridge.nexus.layout import iso_time, nx_name

SOURCE_TYPES = (
    "Spallation Neutron Source", "Pulsed Reactor Neutron Source", "Reactor Neutron Source",
    "Synchrotron X-ray Source", "Pulsed Muon Source", "Rotating Anode X-ray", "Fixed Tube X-ray",
    "UV Laser", "Free-Electron Laser", "Optical Laser", "Ion Source", "UV Plasma Source",
    "Metal Jet X-ray", "Laser", "Dye Laser", "Broadband Tunable Light Source", "Halogen Lamp", "LED",
    "Mercury Cadmium Telluride Lamp", "Deuterium Lamp", "Xenon Lamp", "Globar",
)
"""NXsource/type values the NeXus definition allows."""
SOURCE_PROBES = ("neutron", "photon", "x-ray", "muon", "electron", "ultraviolet", "visible light", "positron", "proton")

SAMPLE_KEYS = {"sample_name": "name", "sample_description": "description", "sample_chemical_formula": "chemical_formula"}
"""``meta_add`` names (GDA's metadata entries) that also become fields of ``/entry1/sample``."""
USER_NAME_KEYS = ("user_name", "username")
USER_ID_KEYS = ("user_id", "federalid", "fedid")


def check_source(source: dict[str, Any] | None) -> dict[str, str] | None:
    """The NXsource fields of a beamline configuration, checked against the NeXus definition."""
    if source is None:
        return None
    if not isinstance(source, dict):
        raise ValueError(f"source: expected a table of name, type and probe, got {source!r}")
    fields = {str(k): str(v) for k, v in source.items()}
    if not fields.get("name"):
        raise ValueError("source: 'name' is required (the facility, e.g. 'Diamond Light Source')")
    if "type" in fields and fields["type"] not in SOURCE_TYPES:
        raise ValueError(f"source type {fields['type']!r} is not one of {', '.join(SOURCE_TYPES)}")
    if "probe" in fields and fields["probe"] not in SOURCE_PROBES:
        raise ValueError(f"source probe {fields['probe']!r} is not one of {', '.join(SOURCE_PROBES)}")
    return fields


def create_entry(
    f: h5py.File,
    start: ScanStart,
    entry_name: str,
    scan_number: int,
    program_version: str,
) -> h5py.Group:
    """Root attributes, the NXentry's scan-level fields and the metadata groups."""
    f.attrs["NX_class"] = "NXroot"
    f.attrs["default"] = entry_name
    f.attrs["file_name"] = f.filename
    f.attrs["file_time"] = iso_time(start.time)
    f.attrs["creator"] = "gda-bridge"
    f.attrs["HDF5_Version"] = h5py.version.hdf5_version
    f.attrs["h5py_version"] = h5py.version.version
    md = start.metadata
    entry = f.create_group(entry_name)
    entry.attrs["NX_class"] = "NXentry"
    entry["title"] = str(md.get("title") or start.command)
    entry["scan_command"] = start.command
    entry["scan_dimensions"] = np.asarray(start.shape, dtype="int32")
    entry["start_time"] = iso_time(start.time)
    entry["program_name"] = "gda-bridge"
    entry["program_name"].attrs["version"] = program_version
    entry["entry_identifier"] = str(scan_number)
    if md.get("experiment_identifier"):
        entry["experiment_identifier"] = str(md["experiment_identifier"])
    user_values = md.get("user") or {}
    if user_values:
        write_collection(entry.create_group("user_metadata"), user_values)
    if md.get("snapshot"):
        write_collection(entry.create_group("before_scan"), md["snapshot"], md.get("snapshot_units") or {})
    _write_sample(entry, user_values)
    _write_user(entry, user_values, md.get("queued_by"))
    return entry


def write_collection(group: h5py.Group, values: dict[str, Any], units: dict[str, Any] | None = None) -> None:
    """Nested NXcollections of ``values``; ``units`` gives the units of a sub-collection
    (``{device: "mm"}``) or of one value (``{name: "mm"}``)."""
    group.attrs["NX_class"] = "NXcollection"
    units = units or {}
    for key, value in values.items():
        name = nx_name(str(key))
        unit = units.get(key)
        if isinstance(value, dict):
            sub = unit if isinstance(unit, dict) else dict.fromkeys(value, unit) if unit else None
            write_collection(group.create_group(name), value, sub)
            continue
        if value is None:
            continue
        if isinstance(value, str):
            group[name] = value
        else:
            arr = np.asarray(value)
            group[name] = arr.astype(str).astype(object) if arr.dtype.kind in "UO" else arr
        if isinstance(unit, str) and unit:
            group[name].attrs["units"] = unit


def write_source(instrument: h5py.Group, fields: dict[str, Any]) -> None:
    source = instrument.create_group("source")
    source.attrs["NX_class"] = "NXsource"
    for key, value in fields.items():
        source[nx_name(str(key))] = str(value)


def _write_sample(entry: h5py.Group, user_values: dict[str, Any]) -> None:
    fields = {field: user_values[key] for key, field in SAMPLE_KEYS.items() if user_values.get(key) is not None}
    if not fields:
        return
    sample = entry.create_group("sample")
    sample.attrs["NX_class"] = "NXsample"
    for field, value in fields.items():
        sample[field] = str(value)


def _write_user(entry: h5py.Group, user_values: dict[str, Any], queued_by: str | None) -> None:
    """GDA's ``user01`` NXuser: the metadata's user, else who queued the scan on the server, else
    the one running the process."""
    name = next((user_values[k] for k in USER_NAME_KEYS if user_values.get(k)), None)
    user_id = next((user_values[k] for k in USER_ID_KEYS if user_values.get(k)), None)
    if user_id is None and queued_by:
        user_id, name = queued_by, name or queued_by
    if user_id is None:
        user_id = getpass.getuser()
        name = name or _full_name() or user_id
    user = entry.create_group("user01")
    user.attrs["NX_class"] = "NXuser"
    user["name"] = str(name or user_id)
    user["facility_user_id"] = str(user_id)


def _full_name() -> str | None:
    try:
        import pwd

        gecos = pwd.getpwuid(os.getuid()).pw_gecos
    except (ImportError, KeyError):
        return None
    return gecos.split(",")[0].strip() or None
