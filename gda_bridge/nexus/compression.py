"""Frame compression done outside HDF5, so that a pool of threads can compress while one writer
thread stores finished chunks with ``write_direct_chunk``.

All HDF5 calls in a process serialise on one lock, so compressing inside HDF5's filter pipeline
keeps a single core busy. Here each filter's own encoder runs with the GIL released: Blosc and
bitshuffle-LZ4 through the filter function of the hdf5plugin plugin library (called with ctypes
exactly as HDF5 would call it, so the bytes are what HDF5 itself would store; bitshuffle-LZ4
through the library's own compress function, skipping the filter's copy), gzip through zlib
(the deflate filter's format). LZF has no encoder outside h5py, so it goes through HDF5's pipeline
on the writer thread.
"""

from __future__ import annotations

import ctypes
import logging
import struct
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import h5py
import hdf5plugin
import numpy as np

log = logging.getLogger("gda_bridge.nexus")

COMPRESSIONS = ("blosc", "bitshuffle", "gzip", "lzf", "none")
GZIP_LEVEL = 1


def dataset_filter_kwargs(compression: str) -> dict[str, Any]:
    """The ``create_dataset`` keywords of a frame compression name."""
    if compression == "blosc":
        return dict(hdf5plugin.Blosc(cname="lz4", clevel=5, shuffle=hdf5plugin.Blosc.BITSHUFFLE))
    if compression == "bitshuffle":
        return dict(hdf5plugin.Bitshuffle(cname="lz4"))
    if compression == "gzip":
        return {"compression": "gzip", "compression_opts": GZIP_LEVEL}
    if compression == "lzf":
        return {"compression": "lzf"}
    if compression == "none":
        return {}
    raise ValueError(f"frame compression {compression!r} is not one of {', '.join(COMPRESSIONS)}")


# The HDF5 filter plugin ABI: H5PLget_plugin_info() returns an H5Z_class2_t whose `filter` is
# size_t filter(unsigned flags, size_t cd_nelmts, const unsigned cd_values[], size_t nbytes,
#               size_t *buf_size, void **buf)
_FilterFunc = ctypes.CFUNCTYPE(
    ctypes.c_size_t,
    ctypes.c_uint,
    ctypes.c_size_t,
    ctypes.POINTER(ctypes.c_uint),
    ctypes.c_size_t,
    ctypes.POINTER(ctypes.c_size_t),
    ctypes.POINTER(ctypes.c_void_p),
)


class _H5ZClass2(ctypes.Structure):
    _fields_ = [
        ("version", ctypes.c_int),
        ("id", ctypes.c_int),
        ("encoder_present", ctypes.c_uint),
        ("decoder_present", ctypes.c_uint),
        ("name", ctypes.c_char_p),
        ("can_apply", ctypes.c_void_p),
        ("set_local", ctypes.c_void_p),
        ("filter", _FilterFunc),
    ]


_PLUGIN_FILES = {32001: "libh5blosc.so", 32008: "libh5bshuf.so"}
_plugin_filters: dict[int, Any] = {}
_libc = ctypes.CDLL(None)
_libc.malloc.restype = ctypes.c_void_p
_libc.malloc.argtypes = [ctypes.c_size_t]
_libc.free.restype = None
_libc.free.argtypes = [ctypes.c_void_p]


def _plugin_filter(filter_id: int) -> Any | None:
    """The encoder of an hdf5plugin filter, or None if it cannot be loaded."""
    if filter_id in _plugin_filters:
        return _plugin_filters[filter_id]
    func = None
    lib_name = _PLUGIN_FILES.get(filter_id)
    if lib_name is not None:
        lib_path = Path(hdf5plugin.PLUGIN_PATH) / lib_name
        try:
            lib = ctypes.CDLL(str(lib_path))
            lib.H5PLget_plugin_info.restype = ctypes.POINTER(_H5ZClass2)
            info = lib.H5PLget_plugin_info().contents
            if info.version == 1 and info.id == filter_id and info.encoder_present:
                func = info.filter
            else:
                log.warning("unexpected plugin info in %s; compressing inside HDF5", lib_path)
        except (OSError, AttributeError, ValueError):
            log.warning("cannot load %s; compressing inside HDF5", lib_path, exc_info=True)
    _plugin_filters[filter_id] = func
    return func


Encoder = Callable[[np.ndarray], tuple[Any, int]]
"""Turns one frame (already of the dataset's dtype, C-contiguous) into (chunk bytes, filter mask)."""


def chunk_encoder(dset: h5py.Dataset) -> Encoder | None:
    """An encoder producing the stored bytes of one chunk of ``dset`` (a dataset with one filter
    or none), or None when the frame must go through HDF5's own pipeline."""
    dcpl = dset.id.get_create_plist()
    nfilters = dcpl.get_nfilters()
    if nfilters == 0:
        return _raw
    if nfilters != 1:
        return None
    code, _flags, values, _name = dcpl.get_filter(0)
    if code == h5py.h5z.FILTER_DEFLATE:
        level = int(values[0]) if values else GZIP_LEVEL
        return lambda frame: (zlib.compress(frame, level), 0)
    if code == 32008 and len(values) > 4 and values[4] == _BSHUF_LZ4:
        direct = _bitshuffle_lz4_encoder(int(values[2]), int(values[3]))
        if direct is not None:
            return direct
    func = _plugin_filter(code)
    if func is None:
        return None
    cd_values = (ctypes.c_uint * len(values))(*values)
    nvalues = len(values)

    def encode(frame: np.ndarray) -> tuple[Any, int]:
        nbytes = frame.nbytes
        # The filter frees the buffer it is given and returns one it allocated, as in HDF5.
        buf = ctypes.c_void_p(_libc.malloc(nbytes))
        if not buf.value:
            raise MemoryError(f"cannot allocate {nbytes} bytes for a frame")
        ctypes.memmove(buf, frame.ctypes.data, nbytes)
        size = ctypes.c_size_t(nbytes)
        try:
            out = func(0, nvalues, cd_values, nbytes, ctypes.byref(size), ctypes.byref(buf))
            if out == 0:
                # Incompressible: HDF5 stores an optional filter's chunk raw with its mask bit set.
                return frame, 1
            return ctypes.string_at(buf, out), 0
        finally:
            _libc.free(buf)

    return encode


_BSHUF_LZ4 = 2


def _bitshuffle_lz4_encoder(elem_size: int, block_size: int) -> Encoder | None:
    """Bitshuffle-LZ4 straight from the frame's memory into a new buffer, without the copy the
    filter interface needs. The chunk is the filter's format: uncompressed size (8 bytes,
    big-endian), block size in bytes (4 bytes, big-endian), then the compressed blocks."""
    try:
        lib = ctypes.CDLL(str(Path(hdf5plugin.PLUGIN_PATH) / _PLUGIN_FILES[32008]))
        compress = lib.bshuf_compress_lz4
        bound = lib.bshuf_compress_lz4_bound
        default_block = lib.bshuf_default_block_size
    except (OSError, AttributeError):
        return None
    compress.restype = ctypes.c_int64
    compress.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t, ctypes.c_size_t, ctypes.c_size_t]
    bound.restype = ctypes.c_size_t
    bound.argtypes = [ctypes.c_size_t, ctypes.c_size_t, ctypes.c_size_t]
    default_block.restype = ctypes.c_size_t
    default_block.argtypes = [ctypes.c_size_t]
    block = block_size or default_block(elem_size)

    def encode(frame: np.ndarray) -> tuple[Any, int]:
        n = frame.size
        out = np.empty(bound(n, elem_size, block) + 12, dtype=np.uint8)
        out[:12] = np.frombuffer(struct.pack(">QI", frame.nbytes, block * elem_size), dtype=np.uint8)
        written = compress(frame.ctypes.data, out.ctypes.data + 12, n, elem_size, block)
        if written < 0:
            raise RuntimeError(f"bitshuffle compression failed with error {written}")
        return out[: written + 12], 0

    return encode


def _raw(frame: np.ndarray) -> tuple[Any, int]:
    return frame, 0
