"""The NeXus tree of one scan file, created before any point is written (SWMR allows no new
objects or attributes afterwards; only data written into existing datasets).

See docs/nexus.md for the tree this produces.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import h5py
import numpy as np

from gda_bridge.core.documents import DeviceDescription, FieldDescription, ScanStart
from gda_bridge.nexus.external_frames import create_frame_links

STRING_WIDTH = 128
"""Bytes kept of each value of a string column (fixed-length strings are SWMR-safe)."""
TIME_WIDTH = 32
STATUS_WIDTH = 32
REASON_WIDTH = 1024
SCALAR_CHUNK_ELEMENTS = 4096
RUNNING = "RUNNING"

_NAME_BAD = re.compile(r"[^A-Za-z0-9_]")


def nx_name(name: str) -> str:
    """A NeXus-valid HDF5 name for a device, field or metadata key."""
    cleaned = _NAME_BAD.sub("_", name) or "_"
    return cleaned


def iso_time(t: float) -> str:
    """ISO 8601 local time with its UTC offset, as NeXus NX_DATE_TIME wants."""
    return datetime.datetime.fromtimestamp(t).astimezone().isoformat(timespec="milliseconds")


def fill_value(dtype: np.dtype) -> Any:
    """The value unreached points keep: NaN for floats, the most negative value of a signed
    integer type, the largest of an unsigned one, empty for strings, False for booleans."""
    if dtype.kind in "fc":
        return np.nan
    if dtype.kind == "i":
        return np.iinfo(dtype).min
    if dtype.kind == "u":
        return np.iinfo(dtype).max
    if dtype.kind == "S":
        return b""
    return 0


@dataclass
class Column:
    """One column of the scan and where it is stored."""

    field: FieldDescription
    device: DeviceDescription
    point_shape: tuple[int, ...]
    dtype: np.dtype
    dset: h5py.Dataset | None = None
    mirror: np.ndarray | None = None  # scalar columns: the whole scan, kept in memory
    fill: Any = None

    @property
    def key(self) -> str:
        return self.field.column

    @property
    def is_array(self) -> bool:
        return self.point_shape != ()

    @property
    def is_numeric(self) -> bool:
        return self.dtype.kind in "biuf"


@dataclass
class SetAxis:
    """The 1-D demand axis of one scan dimension (``<field>_set``): the positions the scan asked
    for, written whole when the file is laid out."""

    dimension: int
    column: Column
    dset: h5py.Dataset


@dataclass
class Layout:
    entry: h5py.Group
    columns: list[Column]
    set_axes: list[SetAxis] = field(default_factory=list)
    end_time: h5py.Dataset | None = None
    status: h5py.Dataset | None = None
    reason: h5py.Dataset | None = None
    points_completed: h5py.Dataset | None = None
    frame_groups: dict[str, str] = field(default_factory=dict)
    """Device -> its instrument group's path in the entry, for detectors writing their own files."""
    frame_nxdata: dict[str, str] = field(default_factory=dict)
    """Device -> its NXdata group's path in the entry, for detectors writing their own files."""


def resolve_column(fdesc: FieldDescription, ddesc: DeviceDescription, value: Any = None) -> Column:
    """A column with its per-point shape and dtype; those not described come from ``value``
    (the first point's), or are a float scalar when there is none."""
    shape = fdesc.shape
    dtype_name = fdesc.dtype
    if shape is None or dtype_name is None:
        if value is not None:
            arr = np.asarray(value)
            if shape is None:
                shape = arr.shape
            if dtype_name is None:
                dtype_name = _storage_dtype(arr.dtype).str
        shape = () if shape is None else shape
        dtype_name = dtype_name or "float64"
    dtype = _storage_dtype(np.dtype(str if dtype_name == "str" else dtype_name))
    return Column(fdesc, ddesc, tuple(shape), dtype, fill=fill_value(dtype))


def dataset_name(col: Column) -> str:
    """The name of a column's dataset in its device's group: ``data`` for the one value of a
    detector with no field names of its own (GDA's generic detector, a camera), else the field's."""
    d = col.device
    if d.role == "detector" and len(d.fields) == 1 and col.field.name in (d.name, "data"):
        return "data"
    return nx_name(col.field.name)


def _storage_dtype(dtype: np.dtype) -> np.dtype:
    if dtype.kind in "USO":
        return np.dtype(f"S{STRING_WIDTH}")
    if dtype.kind == "b":
        return np.dtype("uint8")
    return dtype


def create_layout(
    entry: h5py.Group,
    start: ScanStart,
    columns: list[Column],
    beamline: str,
    frame_kwargs: dict[str, Any],
) -> Layout:
    """Instrument groups, every per-point dataset, the NXdata groups and the end-status fields."""
    shape = tuple(start.shape)
    layout = Layout(entry, columns)
    layout.end_time = entry.create_dataset("end_time", data=np.bytes_(b""), dtype=f"S{TIME_WIDTH}")
    layout.status = entry.create_dataset("scan_status", data=np.bytes_(RUNNING.encode()), dtype=f"S{STATUS_WIDTH}")
    layout.reason = entry.create_dataset("scan_reason", data=np.bytes_(b""), dtype=f"S{REASON_WIDTH}")
    layout.points_completed = entry.create_dataset("points_completed", data=np.int64(0))

    instrument = entry.create_group("instrument")
    instrument.attrs["NX_class"] = "NXinstrument"
    instrument["name"] = beamline

    taken = {"name", "source"}
    by_device: dict[str, list[Column]] = {}
    for col in columns:
        by_device.setdefault(col.device.name, []).append(col)
    device_groups: dict[str, h5py.Group] = {}
    for ddesc in start.devices:
        gname = _unique(nx_name(ddesc.name), taken)
        group = instrument.create_group(gname)
        device_groups[ddesc.name] = group
        group.attrs["NX_class"] = "NXdetector" if ddesc.role == "detector" else "NXpositioner"
        group["name"] = ddesc.name
        if ddesc.role == "detector" and ddesc.collection_time is not None:
            group["count_time"] = float(ddesc.collection_time)
            group["count_time"].attrs["units"] = "s"
        if ddesc.role == "detector" and ddesc.external_frames is not None:
            create_frame_links(group, ddesc, Path(entry.file.filename))
            layout.frame_groups[ddesc.name] = f"instrument/{gname}"
        for col in by_device.get(ddesc.name, []):
            col.dset = _create_point_dataset(group, col, shape, frame_kwargs)
            if not col.is_array:
                col.mirror = np.full(shape, col.fill, dtype=col.dtype)
        if ddesc.role != "detector":
            _write_limits(group, ddesc)
            for col in by_device.get(ddesc.name, []):
                axis = _create_set_axis(group, col, ddesc, shape)
                if axis is not None:
                    layout.set_axes.append(axis)

    _create_nxdata_groups(entry, start, layout)
    return layout


def _unique(name: str, taken: set[str]) -> str:
    candidate, n = name, 1
    while candidate in taken:
        n += 1
        candidate = f"{name}_{n}"
    taken.add(candidate)
    return candidate


def _scalar_chunks(shape: tuple[int, ...]) -> tuple[int, ...]:
    chunks = []
    for i, n in enumerate(shape):
        rest = int(np.prod(shape[i + 1 :], dtype=np.int64))
        chunks.append(max(1, min(n, SCALAR_CHUNK_ELEMENTS // rest)) if rest <= SCALAR_CHUNK_ELEMENTS else 1)
    if shape and shape[-1] > SCALAR_CHUNK_ELEMENTS:
        chunks[-1] = SCALAR_CHUNK_ELEMENTS
    return tuple(chunks)


def _create_point_dataset(
    group: h5py.Group, col: Column, shape: tuple[int, ...], frame_kwargs: dict[str, Any]
) -> h5py.Dataset:
    full = shape + col.point_shape
    name = dataset_name(col)
    if not full or 0 in full:
        dset = group.create_dataset(name, data=np.full(full, col.fill, dtype=col.dtype))
    elif col.is_array:
        dset = group.create_dataset(
            name,
            shape=full,
            dtype=col.dtype,
            chunks=(1,) * len(shape) + col.point_shape,
            fillvalue=col.fill,
            **frame_kwargs,
        )
        if len(col.point_shape) == 2:
            dset.attrs["interpretation"] = "image"
    else:
        dset = group.create_dataset(
            name, shape=full, dtype=col.dtype, chunks=_scalar_chunks(full), fillvalue=col.fill
        )
    if col.field.units:
        dset.attrs["units"] = col.field.units
    dset.attrs["local_name"] = f"{col.device.name}.{col.field.name}"
    return dset


def _write_limits(group: h5py.Group, ddesc: DeviceDescription) -> None:
    inputs = [f for f in ddesc.fields if f.role == "input"]
    if not any(f.lower_limit is not None or f.upper_limit is not None for f in inputs):
        return
    lows = [np.nan if f.lower_limit is None else float(f.lower_limit) for f in inputs]
    highs = [np.nan if f.upper_limit is None else float(f.upper_limit) for f in inputs]
    group["soft_limit_min"] = lows[0] if len(inputs) == 1 else np.asarray(lows)
    group["soft_limit_max"] = highs[0] if len(inputs) == 1 else np.asarray(highs)
    if len(inputs) == 1 and inputs[0].units:
        group["soft_limit_min"].attrs["units"] = inputs[0].units
        group["soft_limit_max"].attrs["units"] = inputs[0].units


def _numeric_demands(col: Column) -> np.ndarray | None:
    demands = col.field.demands
    if demands is None or col.field.role != "input" or col.is_array or not col.is_numeric:
        return None
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in demands):
        return None  # text positions: no numeric demand axis
    return np.asarray(demands, dtype="float64")


def _create_set_axis(
    group: h5py.Group, col: Column, ddesc: DeviceDescription, shape: tuple[int, ...]
) -> SetAxis | None:
    """``<field>_set``, the demands of a moved input field: 1-D along its dimension (the
    returned axis), or one value for a scannable held at one position. None when the scan
    does not move the field (nor when it has no demands, e.g. a replayed older stream: the
    readbacks are never passed off as demands)."""
    demands = _numeric_demands(col)
    if demands is None:
        return None
    name = f"{nx_name(col.field.name)}_set"
    dim = ddesc.dimension
    if dim is None:
        if demands.shape != (1,):
            raise ValueError(f"{col.key}: {demands.size} demands for a scannable held at one position")
        dset = group.create_dataset(name, data=demands[0])
    else:
        if not 0 <= dim < len(shape) or demands.shape != (shape[dim],):
            raise ValueError(f"{col.key}: {demands.size} demands for dimension {dim} of a {shape} scan")
        dset = group.create_dataset(name, data=demands)
    if col.field.units:
        dset.attrs["units"] = col.field.units
    return None if dim is None else SetAxis(dim, col, dset)


def _create_nxdata_groups(entry: h5py.Group, start: ScanStart, layout: Layout) -> None:
    ndim = len(start.shape)
    cols = layout.columns
    taken = {"instrument", "user_metadata", "before_scan", "measurement", "diamond_scan", "sample", "user01",
             *entry.keys()}

    # Axes of each scan dimension: (name in NXdata, dataset, indices), first one is the default.
    axes: list[list[tuple[str, h5py.Dataset, list[int]]]] = [[] for _ in range(ndim)]
    readback_axes: list[tuple[str, h5py.Dataset, list[int]]] = []
    if ndim == 1:
        for col in cols:
            if _is_axis(col, 0, ndim):
                axes[0].append((nx_name(col.key), col.dset, [0]))
    elif ndim >= 2:
        for sa in layout.set_axes:
            axes[sa.dimension].append((f"{nx_name(sa.column.key)}_set", sa.dset, [sa.dimension]))
            readback_axes.append((nx_name(sa.column.key), sa.column.dset, list(range(ndim))))

    def fill_nxdata(group: h5py.Group, signal: Column, others: list[Column], sig_name: str) -> None:
        group.attrs["NX_class"] = "NXdata"
        group[sig_name] = signal.dset
        group.attrs["signal"] = sig_name
        _add_columns(group, others, lambda col: col.device.role == "detector" and col.is_numeric
                     and col.dset.shape == signal.dset.shape)
        axis_names = ["."] * (ndim + len(signal.point_shape))
        for dim in range(ndim):
            for k, (name, dset, indices) in enumerate(axes[dim]):
                if name not in group:
                    group[name] = dset
                group.attrs[f"{name}_indices"] = indices[0] if len(indices) == 1 else indices
                if k == 0:
                    axis_names[dim] = name
        for name, dset, indices in readback_axes:
            if name not in group:
                group[name] = dset
            group.attrs[f"{name}_indices"] = indices
        if any(a != "." for a in axis_names):
            group.attrs["axes"] = axis_names

    positioners = [c for c in cols if c.device.role != "detector" and not c.is_array and c.is_numeric]
    detector_groups = []
    for ddesc in start.devices:
        if ddesc.role != "detector":
            continue
        dcols = [c for c in cols if c.device.name == ddesc.name and (c.is_numeric or c.is_array)]
        if ddesc.external_frames is not None:
            gname = _unique(nx_name(ddesc.name), taken)
            _fill_frames_nxdata(entry, entry.create_group(gname), ddesc, layout, dcols + positioners, axes)
            layout.frame_nxdata[ddesc.name] = gname
            detector_groups.append((gname, None))
            continue
        if not dcols:
            continue
        arrays = [c for c in dcols if c.is_array]
        signal = arrays[0] if arrays else dcols[-1]
        gname = _unique(nx_name(ddesc.name), taken)
        # GDA's per-detector NXdata: its value as "data", with every scannable and monitor
        sig_name = "data" if dataset_name(signal) == "data" else nx_name(signal.key)
        others = [c for c in dcols if c is not signal] + positioners
        fill_nxdata(entry.create_group(gname), signal, others, sig_name)
        detector_groups.append((gname, signal))

    scalars = [c for c in cols if not c.is_array and c.is_numeric]
    default = detector_groups[0][0] if detector_groups else None
    if scalars:
        det_scalars = [c for c in scalars if c.device.role == "detector"]
        non_axes = [c for c in scalars if not (c.device.role == "scannable" and c.field.role == "input")]
        signal = det_scalars[-1] if det_scalars else (non_axes or scalars)[-1]
        fill_nxdata(entry.create_group("measurement"), signal, [c for c in scalars if c is not signal],
                    nx_name(signal.key))
        if det_scalars or default is None:
            default = "measurement"
    if default is not None:
        entry.attrs["default"] = default


def _add_columns(group: h5py.Group, others: list[Column], auxiliary: Callable[[Column], bool]) -> None:
    """Link the columns not in the NXdata group yet; those ``auxiliary`` says are its auxiliary signals."""
    aux = []
    for col in others:
        name = nx_name(col.key)
        if name in group:
            continue
        group[name] = col.dset
        if auxiliary(col):
            aux.append(name)
    if aux:
        group.attrs["auxiliary_signals"] = aux


def _fill_frames_nxdata(entry: h5py.Group, group: h5py.Group, ddesc: DeviceDescription, layout: Layout,
                        others: list[Column], axes: list[list[tuple[str, h5py.Dataset, list[int]]]]) -> None:
    """The NXdata of a detector whose frames are in its own files: the frames (the same link as
    its instrument group's ``data``) as signal, its scalar columns as auxiliary signals; the
    frames are along one axis (points x frames per point), so a one-point-one-frame 1-D scan
    also gets its scan axis."""
    spec = ddesc.external_frames
    assert spec is not None
    group.attrs["NX_class"] = "NXdata"
    group["data"] = entry[layout.frame_groups[ddesc.name]].get("data", getlink=True)
    group.attrs["signal"] = "data"
    _add_columns(group, others, lambda col: col.device.name == ddesc.name)
    if len(axes) == 1 and axes[0] and spec.frames_per_point == 1:
        name, dset, _indices = axes[0][0]
        if name not in group:
            group[name] = dset
        group.attrs[f"{name}_indices"] = 0
        group.attrs["axes"] = [name] + ["."] * len(spec.frame_shape)


def _is_axis(col: Column, dim: int, ndim: int) -> bool:
    d = col.device
    return (
        d.role == "scannable"
        and col.field.role == "input"
        and (d.dimension == dim or (d.dimension is None and ndim == 1))
        and not col.is_array
        and col.is_numeric
    )
