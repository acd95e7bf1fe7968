"""Independent readers for every file the writer produces."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import h5py
import hdf5plugin  # noqa: F401 - registers the Blosc / bitshuffle decoders for reading
from nexusformat.nexus.validate import validate_file
from silx.io import nxdata


def check_file(path: Path) -> nxdata.NXdata:
    """nexusformat's validator finds no error and silx finds a valid default plot."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        _warnings, errors = validate_file(str(path))
    assert errors == 0, out.getvalue()
    with h5py.File(path, "r") as f:
        default = nxdata.get_default(f)
        assert default is not None, f"{path}: no default plot"
        assert default.is_valid, default.issues
        assert nxdata.is_valid_nxdata(default.group)
        return _Summary(default)


class _Summary:
    """What silx decided about the default plot, kept after the file is closed."""

    def __init__(self, nxd: nxdata.NXdata) -> None:
        self.group = nxd.group.name
        self.signal_name = nxd.group.attrs["signal"]
        self.signal_shape = nxd.signal.shape
        self.axes_names = [None if a is None else a.rsplit("/", 1)[-1] for a in nxd.axes_dataset_names]
        self.axes_shapes = [None if a is None else a.shape for a in nxd.axes]
        self.interpretation = nxd.interpretation

    @property
    def is_image(self) -> bool:
        """silx's own rule for showing an image: a 2-D signal with 1-D axes fitting its shape."""
        if len(self.signal_shape) < 2:
            return False
        if len(self.signal_shape) > 2 and self.interpretation != "image":
            return False
        return all(s is None or s == (n,) for s, n in zip(self.axes_shapes[-2:], self.signal_shape[-2:], strict=True))
