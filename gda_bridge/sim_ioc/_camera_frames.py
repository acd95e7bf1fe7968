"""The simulated camera's pixels: data types, colour layouts, the known test pattern, the wire form.

Pure numpy (no pcaspy): tests import :func:`ramp` to know pixel for pixel what the IOC serves.

areaDetector names (ADCore's NDDataType_t and NDColorMode_t, in enum order) are used as they are,
so a client sees the same enum indices as on a real IOC. Like NDPluginStdArrays, the image plugin
serves ``ArrayData`` in one Channel Access type fixed when the IOC starts (the waveform's FTVL)
and casts each frame to it as C does: a same-size integer keeps its bits (UInt16 in DBR_SHORT),
a wider type keeps the values, a narrower one loses them.
"""

from __future__ import annotations

import numpy as np

DATA_TYPES = ("Int8", "UInt8", "Int16", "UInt16", "Int32", "UInt32", "Int64", "UInt64",
              "Float32", "Float64")
FRAME_DTYPES = {name: np.dtype(name.lower()) for name in DATA_TYPES}
#: The waveform kind (see _fields.WIRE_DTYPES) areaDetector uses for each type: Int8/UInt8 ->
#: DBR_CHAR, Int16/UInt16 -> DBR_SHORT, Int32/UInt32 -> DBR_LONG, Float32 -> DBR_FLOAT,
#: Float64 -> DBR_DOUBLE. Channel Access has no 64-bit integer type.
WAVEFORM_KINDS = {"Int8": "char", "UInt8": "char", "Int16": "short", "UInt16": "short", "Int32": "int",
                  "UInt32": "int", "Float32": "float32", "Float64": "float"}

COLOR_MODES = ("Mono", "Bayer", "RGB1", "RGB2", "RGB3", "YUV444", "YUV422", "YUV411")
#: Colour modes the simulation can make (it has no Bayer or YUV encoder).
SERVED_COLOR_MODES = ("Mono", "RGB1", "RGB2", "RGB3")
#: Relative intensity of the red, green and blue planes of a colour frame.
COLOUR_WEIGHTS = (1.0, 0.5, 0.25)

SIM_MODES = ("Spot", "Ramp")


def ramp(ny: int, nx: int, data_type: str, unique_id: int, colours: int = 1) -> np.ndarray:
    """The known pattern of frame ``unique_id``: (ny, nx) or (ny, nx, colours) of ``data_type``.

    Integers spread over every bit of the type (negative values for signed ones, the top bit for
    unsigned ones), so a frame read with the wrong signedness or width differs; Float32 values
    are exact in float32 and Float64 values are not, so a float32 round trip shows.
    """
    dtype = FRAME_DTYPES[data_type]
    k = np.arange(ny * nx * colours, dtype=np.int64).reshape(ny, nx, colours) + 131 * unique_id
    if dtype.kind in "iu":
        values = (k * 40503).astype(dtype)  # C cast: keeps the low bits
    elif dtype == np.float32:
        values = (k * 0.3125 - 777.0).astype(dtype)
    else:
        values = k / 10.0 - 777.0
    return values[..., 0] if colours == 1 else values


def in_type(image: np.ndarray, data_type: str) -> np.ndarray:
    """A float image as ``data_type``, clipped (in place) to an integer type's range."""
    dtype = FRAME_DTYPES[data_type]
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        np.clip(image, info.min, info.max, out=image)
    return image.astype(dtype)


def colour(image: np.ndarray) -> np.ndarray:
    """A mono (ny, nx) image as (ny, nx, 3) RGB planes."""
    return np.stack([image * w for w in COLOUR_WEIGHTS], axis=-1)


def layout(frame: np.ndarray, color_mode: str) -> tuple[np.ndarray, tuple[int, int, int]]:
    """``frame`` in areaDetector's memory order for ``color_mode``, and its dimensions (Size0..2).

    Mono (ny, nx): dims (nx, ny). RGB1 pixel-interleaved: (3, nx, ny). RGB2 row-interleaved:
    (nx, 3, ny). RGB3 planar: (nx, ny, 3). Dimension 0 varies fastest.
    """
    if color_mode == "Mono":
        ny, nx = frame.shape
        return frame, (nx, ny, 0)
    ny, nx, c = frame.shape
    if color_mode == "RGB1":
        return frame, (c, nx, ny)
    if color_mode == "RGB2":
        return frame.transpose(0, 2, 1), (nx, c, ny)
    if color_mode == "RGB3":
        return frame.transpose(2, 0, 1), (nx, ny, c)
    raise ValueError(f"cannot lay out a {color_mode} frame")


def to_wire(frame: np.ndarray, kind_dtype: np.dtype) -> np.ndarray:
    """``frame`` flattened and cast to the waveform's element type, as NDPluginStdArrays does."""
    flat = np.ascontiguousarray(frame).reshape(-1)
    if flat.dtype.kind in "iu" and kind_dtype.kind in "iu" and flat.dtype.itemsize == kind_dtype.itemsize:
        return flat.view(kind_dtype)
    return flat.astype(kind_dtype)
