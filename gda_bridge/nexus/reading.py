"""Reading NeXus/HDF5 files for layers that must not use h5py themselves (the scripts' scisoftpy).

``read_tree(path)`` returns the file's structure as plain Python objects: groups are ``Group``
(indexable by name or path, attribute access, ``.attrs``), datasets are ``LazyDataset``
(``.shape``, ``.dtype``, ``.attrs``; values are read on indexing or ``numpy.asarray``). The file is
opened only while something is read, so a file being written (SWMR) can be read as it grows.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import h5py
import numpy as np


def _open(path: Path) -> h5py.File:
    try:
        return h5py.File(path, "r", swmr=True)
    except OSError:
        return h5py.File(path, "r")


def _attrs(obj: h5py.HLObject) -> dict[str, Any]:
    return {k: _plain(v) for k, v in obj.attrs.items()}


def _plain(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, np.ndarray) and value.dtype.kind in "SO":
        return [_plain(v) for v in value.tolist()]
    return value


class LazyDataset:
    """One dataset; its values are read from the file when indexed."""

    def __init__(self, file: Path, path: str, shape: tuple[int, ...], dtype: np.dtype, attrs: dict[str, Any]):
        self.file = file
        self.path = path
        self.name = path.rsplit("/", 1)[-1]
        self.shape = shape
        self.dtype = dtype
        self.attrs = attrs

    def __getitem__(self, key: Any) -> Any:
        with _open(self.file) as f:
            dset = f[self.path]
            value = dset.asstr()[key] if dset.dtype.kind in "SO" and h5py.check_string_dtype(dset.dtype) else dset[key]
        return _plain(value) if isinstance(value, bytes | str) else value

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        arr = np.asarray(self[()])
        return arr.astype(dtype) if dtype is not None else arr

    def __len__(self) -> int:
        if not self.shape:
            raise TypeError(f"{self.path} is a scalar")
        return self.shape[0]

    def __repr__(self) -> str:
        return f"LazyDataset({self.path!r}, shape={self.shape}, dtype={self.dtype})"


class Group:
    """One group: ``g["instrument/x/x"]``, ``g.instrument.x``, ``g.keys()``, ``g.attrs``."""

    def __init__(self, path: str, attrs: dict[str, Any]):
        self.path = path
        self.name = path.rsplit("/", 1)[-1] or "/"
        self.attrs = attrs
        self._children: dict[str, Group | LazyDataset] = {}

    def __getitem__(self, key: str) -> Group | LazyDataset:
        node: Group | LazyDataset = self
        for part in [p for p in str(key).split("/") if p]:
            if not isinstance(node, Group) or part not in node._children:
                raise KeyError(f"{key!r}: no such group or dataset in {self.path}")
            node = node._children[part]
        return node

    def __getattr__(self, name: str) -> Group | LazyDataset:
        children = self.__dict__.get("_children", {})
        if name in children:
            return children[name]
        raise AttributeError(f"{self.path} has no group or dataset {name!r}")

    def __contains__(self, key: str) -> bool:
        try:
            self[key]
        except KeyError:
            return False
        return True

    def __iter__(self):  # noqa: ANN204 - iterator of names, as a dict
        return iter(self._children)

    def __len__(self) -> int:
        return len(self._children)

    def keys(self) -> list[str]:
        return list(self._children)

    def items(self) -> list[tuple[str, Group | LazyDataset]]:
        return list(self._children.items())

    def __repr__(self) -> str:
        return f"Group({self.path!r}, {self.keys()})"


def read_tree(path: str | Path) -> Group:
    """The structure of the HDF5 file at ``path`` (links followed; external links skipped)."""
    file = Path(path)
    with _open(file) as f:
        root = Group("/", _attrs(f))
        groups: dict[str, Group] = {"/": root}

        def visit(name: str, obj: h5py.HLObject) -> None:
            parent_path, _, leaf = ("/" + name).rpartition("/")
            parent = groups.get(parent_path or "/")
            if parent is None:
                return
            if isinstance(obj, h5py.Group):
                node = Group("/" + name, _attrs(obj))
                groups["/" + name] = node
                parent._children[leaf] = node
            elif isinstance(obj, h5py.Dataset):
                parent._children[leaf] = LazyDataset(file, "/" + name, obj.shape, obj.dtype, _attrs(obj))

        f.visititems_links(lambda name, link: _visit_link(f, name, link, visit))
    return root


def _visit_link(f: h5py.File, name: str, link: h5py.HLObject, visit: Any) -> None:
    if isinstance(link, h5py.ExternalLink):
        return
    try:
        visit(name, f[name])
    except KeyError:  # a dangling soft link
        return


def is_hdf5(path: str | Path) -> bool:
    return h5py.is_hdf5(str(path))
