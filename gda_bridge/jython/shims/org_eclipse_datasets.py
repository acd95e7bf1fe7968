"""DAWN's and January's datasets for scripts, as numpy arrays.

``from org.eclipse.dawnsci.analysis.dataset.impl import DoubleDataset`` and
``from org.eclipse.january.dataset import DatasetFactory, DoubleDataset`` give these stand-ins:
numpy arrays (every numpy operation works on them) that also answer the dataset methods GDA
scripts call (``setName``/``getName``, ``getShape``, ``getSize``, ``getRank``, ``getDouble``,
``getInt``, ``getData``) and the factories (``DoubleDataset.array(values)``,
``DatasetFactory.createFromObject``, ``createRange``, ``zeros``, ``ones``). Nothing else of DAWN
or January is provided; their other classes fail at the import, saying so.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np


class Dataset(np.ndarray):
    """A named numpy array with January's accessors."""

    dtype_of_kind: Any = None

    def __new__(cls, data: Any = (), name: str = "") -> Dataset:
        array = np.asarray(data, dtype=cls.dtype_of_kind).view(cls)
        array._name = str(name)
        return array

    def __array_finalize__(self, obj: Any) -> None:
        self._name = getattr(obj, "_name", "")

    @classmethod
    def array(cls, values: Any) -> Dataset:
        return cls(values)

    def setName(self, name: str) -> None:  # noqa: N802
        self._name = str(name)

    def getName(self) -> str:  # noqa: N802
        return self._name

    def getShape(self) -> list[int]:  # noqa: N802
        return list(self.shape)

    def getSize(self) -> int:  # noqa: N802
        return int(self.size)

    def getRank(self) -> int:  # noqa: N802
        return int(self.ndim)

    def getDouble(self, *position: int) -> float:  # noqa: N802
        return float(self[position] if position else self.flat[0])

    def getInt(self, *position: int) -> int:  # noqa: N802
        return int(self[position] if position else self.flat[0])

    def getData(self) -> np.ndarray:  # noqa: N802
        """The values as a plain 1-D numpy array (January: the backing Java array)."""
        return np.asarray(self).ravel()


class DoubleDataset(Dataset):
    dtype_of_kind = np.float64


class FloatDataset(Dataset):
    dtype_of_kind = np.float32


class IntegerDataset(Dataset):
    dtype_of_kind = np.int32


class LongDataset(Dataset):
    dtype_of_kind = np.int64


class DatasetFactory:
    """January's factory of datasets (float64 unless the values say otherwise)."""

    @staticmethod
    def createFromObject(values: Any, *_shape: int) -> Dataset:  # noqa: N802
        array = np.asarray(values)
        kind = DoubleDataset if array.dtype.kind in "fcb" or array.dtype == object else LongDataset
        made = kind(array)
        return made.reshape(_shape) if _shape else made

    @staticmethod
    def createRange(*bounds: float) -> DoubleDataset:  # noqa: N802
        """createRange(stop) or createRange(start, stop, step), stop excluded as in January."""
        return DoubleDataset(np.arange(*bounds, dtype=np.float64))

    @staticmethod
    def zeros(shape: Sequence[int] | int) -> DoubleDataset:
        return DoubleDataset(np.zeros(shape))

    @staticmethod
    def ones(shape: Sequence[int] | int) -> DoubleDataset:
        return DoubleDataset(np.ones(shape))


__all__ = ["Dataset", "DatasetFactory", "DoubleDataset", "FloatDataset", "IntegerDataset", "LongDataset"]
