"""A virtual X display (Xvfb) for GUI tests, and screenshots of it read from xwd's format."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np

HEADER_FIELDS = 25  # CARD32s in an XWD file header (X11 XWDFileHeader)


@contextmanager
def xvfb() -> Iterator[str]:
    """Start Xvfb on a free display (it tells us which, once ready, through -displayfd)."""
    if shutil.which("Xvfb") is None:
        raise RuntimeError("Xvfb is not installed (Debian: apt-get install xvfb)")
    read_end, write_end = os.pipe()
    proc = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        pass_fds=(write_end,),
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    try:
        with os.fdopen(read_end) as f:
            number = f.readline().strip()
        if not number:
            raise RuntimeError("Xvfb did not start")
        yield f":{number}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def screenshot(display: str) -> np.ndarray:
    """The whole screen as an (h, w, 3) array of 0-255 ints (xwd -root, 24/32-bit TrueColor)."""
    raw = subprocess.run(
        ["xwd", "-root", "-silent", "-display", display], check=True, capture_output=True, timeout=30
    ).stdout
    h = np.frombuffer(raw[: HEADER_FIELDS * 4], dtype=">u4")
    header_size, width, height = int(h[0]), int(h[4]), int(h[5])
    byte_order, bits_per_pixel, bytes_per_line, ncolors = int(h[7]), int(h[11]), int(h[12]), int(h[19])
    red_mask, green_mask, blue_mask = int(h[14]), int(h[15]), int(h[16])
    assert bits_per_pixel == 32, bits_per_pixel
    start = header_size + ncolors * 12
    dtype = "<u4" if byte_order == 0 else ">u4"
    rows = np.frombuffer(raw[start : start + bytes_per_line * height], dtype=np.uint8).reshape(height, bytes_per_line)
    pixels = rows[:, : width * 4].copy().view(dtype).reshape(height, width).astype(np.int64)

    def channel(mask: int) -> np.ndarray:
        shift = (mask & -mask).bit_length() - 1
        return (pixels & mask) >> shift

    return np.stack([channel(red_mask), channel(green_mask), channel(blue_mask)], axis=-1)
