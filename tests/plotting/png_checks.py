"""Read a PNG back and find what a user would see in it: coloured regions and colormap values."""

from __future__ import annotations

import matplotlib
import matplotlib.image as mpimg
import numpy as np


def read_rgb(path) -> np.ndarray:
    img = mpimg.imread(str(path))
    return (img[..., :3] * 255).astype(int)


def coloured(rgb: np.ndarray, spread: int = 40) -> np.ndarray:
    """Pixels that are not grey, black or white."""
    return (rgb.max(axis=-1) - rgb.min(axis=-1)) > spread


def runs(mask_1d: np.ndarray, min_len: int = 5) -> list[tuple[int, int]]:
    """(start, stop) of the runs of True at least ``min_len`` long."""
    out, start = [], None
    for i, v in enumerate([*mask_1d, False]):
        if v and start is None:
            start = i
        elif not v and start is not None:
            if i - start >= min_len:
                out.append((start, i))
            start = None
    return out


def map_region(rgb: np.ndarray) -> tuple[slice, slice]:
    """The rows and columns of the first (leftmost) wide block of colormap pixels: the map, not
    its colour bar."""
    mask = coloured(rgb)
    cols = runs(mask.sum(axis=0) > 20, min_len=30)
    c0, c1 = cols[0]
    rows = runs(mask[:, c0:c1].sum(axis=1) > (c1 - c0) // 2, min_len=30)
    r0, r1 = rows[0]
    return slice(r0, r1), slice(c0, c1)


def values_of(rgb: np.ndarray, cmap: str = "viridis") -> np.ndarray:
    """Each pixel's position (0..1) in the colormap, by the nearest colour."""
    table = (matplotlib.colormaps[cmap](np.linspace(0, 1, 256))[:, :3] * 255).astype(int)
    flat = rgb.reshape(-1, 3)
    d = ((flat[:, None, :] - table[None, :, :]) ** 2).sum(axis=-1)
    return (d.argmin(axis=1) / 255.0).reshape(rgb.shape[:-1])


def cells(region: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """The colour at the centre of each of ``shape`` equal cells of ``region``, top row first."""
    ny, nx = shape
    h, w = region.shape[:2]
    ys = ((np.arange(ny) + 0.5) * h / ny).astype(int)
    xs = ((np.arange(nx) + 0.5) * w / nx).astype(int)
    return region[np.ix_(ys, xs)]


def has_colour(rgb: np.ndarray, colour: str, tol: int = 12, min_pixels: int = 30) -> bool:
    target = (np.array(matplotlib.colors.to_rgb(colour)) * 255).astype(int)
    close = (np.abs(rgb - target) <= tol).all(axis=-1)
    return int(close.sum()) >= min_pixels
