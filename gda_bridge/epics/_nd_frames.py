"""areaDetector frames read over Channel Access: pixel types, colour layouts, the waveform's type.

An image plugin describes its last NDArray with DataType_RBV (NDDataType_t, read by label: the
enum gained Int64/UInt64 in the middle in ADCore 3.x, so indices differ between versions),
ColorMode_RBV (NDColorMode_t), NDimensions_RBV and ArraySize0..2_RBV (dimension 0 varies
fastest). NDPluginStdArrays serves the data in the Channel Access type of its ArrayData waveform,
cast as C does: a same-size integer keeps the bits (UInt16 arrives as DBR_SHORT), a wider type
keeps the values, a narrower one loses them, which is refused here rather than stored.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gda_bridge.core.errors import DeviceError

#: NDDataType_t labels readable over Channel Access, as numpy types.
FRAME_DTYPES = {name: np.dtype(name.lower()) for name in
                ("Int8", "UInt8", "Int16", "UInt16", "Int32", "UInt32", "Float32", "Float64")}
#: NDDataType_t labels with no Channel Access type (DBR_* has no 64-bit integer).
NO_CA_TYPE = ("Int64", "UInt64")
#: Colour mode -> (how ArraySize0..2 relate to (nx, ny, colours), axes from memory order to (ny, nx, c)).
_COLOUR_LAYOUTS = {
    "RGB1": ("c x y", (0, 1, 2)),   # pixel-interleaved: memory (ny, nx, 3)
    "RGB2": ("x c y", (0, 2, 1)),   # row-interleaved: memory (ny, 3, nx)
    "RGB3": ("x y c", (1, 2, 0)),   # planar: memory (3, ny, nx)
}
SUPPORTED_COLOR_MODES = ("Mono", *_COLOUR_LAYOUTS)
_CA_NAMES = {np.dtype(np.uint8): "DBR_CHAR", np.dtype(np.int16): "DBR_SHORT", np.dtype(np.int32): "DBR_LONG",
             np.dtype(np.float32): "DBR_FLOAT", np.dtype(np.float64): "DBR_DOUBLE"}


@dataclass(frozen=True)
class FrameFormat:
    """What one frame is: its labels, the numpy (ny, nx) or (ny, nx, 3) shape and dtype."""

    data_type: str
    color_mode: str
    shape: tuple[int, ...]
    dtype: np.dtype
    #: Shape of the flat data in memory order, and the axes that turn it into ``shape``.
    memory_shape: tuple[int, ...]
    axes: tuple[int, ...] | None

    @property
    def pixels(self) -> int:
        return int(np.prod(self.shape))

    def describe(self) -> str:
        return f"{self.data_type} {self.color_mode} {self.shape}"


def frame_format(device: str, data_type: str, color_mode: str, sizes: tuple[int, int, int]) -> FrameFormat:
    """The format the image plugin reports; DeviceError (one line) for what cannot be read."""
    if data_type in NO_CA_TYPE:
        raise DeviceError(f"{device}: {data_type} frames cannot be read over Channel Access (no 64-bit "
                          f"integer type); set DataType to a type of 32 bits or fewer")
    dtype = FRAME_DTYPES.get(data_type)
    if dtype is None:
        raise DeviceError(f"{device}: unknown pixel type {data_type!r} (DataType_RBV)")
    if color_mode == "Mono":
        nx, ny = sizes[0], sizes[1]
        if nx < 1 or ny < 1:
            raise DeviceError(f"{device}: the image plugin reports a {nx}x{ny} frame")
        return FrameFormat(data_type, color_mode, (ny, nx), dtype, (ny, nx), None)
    if color_mode not in _COLOUR_LAYOUTS:
        raise DeviceError(f"{device}: colour mode {color_mode} is not supported "
                          f"(supported: {', '.join(SUPPORTED_COLOR_MODES)})")
    order, axes = _COLOUR_LAYOUTS[color_mode]
    dims = dict(zip(order.split(), sizes, strict=True))
    if dims["c"] != 3 or dims["x"] < 1 or dims["y"] < 1:
        raise DeviceError(f"{device}: a {color_mode} frame needs ArraySize0..2 in the order {order} with "
                          f"c=3; the image plugin reports {sizes}")
    memory = tuple(dims[k] for k in reversed(order.split()))  # dimension 0 varies fastest
    return FrameFormat(data_type, color_mode, (dims["y"], dims["x"], 3), dtype, memory, axes)


def check_carrier(device: str, pvname: str, wire: np.dtype, fmt: FrameFormat) -> None:
    """Raise unless a waveform of element type ``wire`` carries ``fmt``'s pixels without loss."""
    if _same_size_integers(wire, fmt.dtype) or np.can_cast(fmt.dtype, wire, "safe"):
        return
    raise DeviceError(f"{device}: {pvname} is {_CA_NAMES.get(wire, wire)} and cannot carry {fmt.data_type} "
                      f"pixels without loss; serve it as {_CA_NAMES[_carrier_for(fmt.dtype)]}")


def decode(raw: np.ndarray, fmt: FrameFormat) -> np.ndarray:
    """The flat waveform data (already checked by :func:`check_carrier`) as a frame of ``fmt``."""
    if raw.dtype == fmt.dtype:
        data = raw
    elif _same_size_integers(raw.dtype, fmt.dtype):
        data = raw.view(fmt.dtype)
    else:
        data = raw.astype(fmt.dtype)
    data = data.reshape(fmt.memory_shape)
    return data if fmt.axes is None else np.ascontiguousarray(data.transpose(fmt.axes))


def _same_size_integers(a: np.dtype, b: np.dtype) -> bool:
    return a.kind in "iu" and b.kind in "iu" and a.itemsize == b.itemsize


def _carrier_for(dtype: np.dtype) -> np.dtype:
    if dtype.kind == "f":
        return dtype
    return {1: np.dtype(np.uint8), 2: np.dtype(np.int16), 4: np.dtype(np.int32)}[dtype.itemsize]
