"""``dnp.io.load``: NeXus/HDF5 files as a tree, SRS ``.dat`` files as named columns.

``t = dnp.io.load("i99-12.nxs")``: ``t["entry1/instrument/x/x"]``, ``t.entry1.instrument.x.x``
(datasets read on indexing: ``[...]``, ``[()]``, ``numpy.asarray``), ``.attrs``, ``.keys()``.
``d = dnp.io.load("i99-12.dat")``: ``d["x"]``, ``d.x``, ``d[0]`` (the first column), ``d.keys()``,
``d.metadata`` (the header's ``name=value`` entries).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np

from gda_bridge.nexus.reading import is_hdf5, read_tree

_ENTRY = re.compile(r"([A-Za-z_][\w.]*)=('(?:[^']|'')*'|[^,]*)")


class DataHolder(dict):
    """The columns of a text file by name (insertion order kept), also as attributes and by index."""

    def __init__(self) -> None:
        super().__init__()
        self.metadata: dict[str, Any] = {}

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, int):
            return list(self.values())[key]
        return super().__getitem__(key)

    def __getattr__(self, name: str) -> Any:
        try:
            return super().__getitem__(name)
        except KeyError:
            raise AttributeError(f"no column {name!r}; columns: {', '.join(self)}") from None


def load(name: str, format: Any = None, formats: Any = None, withmetadata: bool = True,  # noqa: A002
         ascend: bool = False, warn: bool = True) -> Any:
    """Load a NeXus/HDF5 file (a tree) or an SRS file (a ``DataHolder``)."""
    path = Path(name).expanduser()
    if not path.is_file():
        raise OSError(f"dnp.io.load: no such file: {path}")
    if is_hdf5(path):
        return read_tree(path)
    text = path.read_text(encoding="utf-8", errors="replace")
    if "&END" in text:
        return _srs(text, path)
    raise ValueError(f"dnp.io.load: {path} is neither a NeXus/HDF5 file nor an SRS .dat file")


def _srs(text: str, path: Path) -> DataHolder:
    lines = text.splitlines()
    end = next(i for i, line in enumerate(lines) if line.strip() == "&END")
    holder = DataHolder()
    for line in lines[:end]:
        for key, value in _ENTRY.findall(line.strip()):
            holder.metadata[key] = _value(value)
    rows = [line for line in lines[end + 1 :] if line.strip()]
    if not rows:
        return holder
    names = rows[0].split("\t") if "\t" in rows[0] else rows[0].split()
    table = [r.split("\t") if "\t" in r else r.split() for r in rows[1:]]
    for n, r in enumerate(table, start=1):
        if len(r) != len(names):
            raise ValueError(f"dnp.io.load: {path}: row {n} has {len(r)} values, the header {len(names)} columns")
    for i, column in enumerate(names):
        holder[column] = _column([r[i] for r in table])
    return holder


def _column(cells: list[str]) -> np.ndarray:
    try:
        return np.array([float(c) for c in cells])
    except ValueError:
        return np.array(cells, dtype=object)


def _value(text: str) -> Any:
    text = text.strip()
    if text.startswith("'") and text.endswith("'") and len(text) >= 2:
        return text[1:-1].replace("''", "'")
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text
