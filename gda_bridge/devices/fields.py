"""Scannables whose fields are reached as scannables of their own (``stage.x``), and GDA's
PositionCallableProvider."""

from __future__ import annotations

from typing import Any

from gda_bridge.core.errors import DeviceError
from gda_bridge.devices.base import ScannableBase, ScannableMotionBase, as_list


class ScannableField(ScannableBase):
    """One field of a parent scannable: reads that field of the parent's position; a move moves
    the parent with the other inputs where they are now (extra fields cannot be moved)."""

    def __init__(self, parent: Any, field: str) -> None:
        super().__init__(field)
        self.parent = parent
        self.inputNames = [field]
        fields = [*parent.getInputNames(), *parent.getExtraNames()]
        self.index = fields.index(field)
        formats = parent.getOutputFormat()
        self.outputFormat = [formats[self.index] if self.index < len(formats) else formats[0]]

    def getPosition(self) -> Any:
        return as_list(self.parent.getPosition())[self.index]

    def asynchronousMoveTo(self, position: Any) -> None:
        inputs = list(self.parent.getInputNames())
        if self.index >= len(inputs):
            raise DeviceError(f"{self.parent.getName()}.{self.name} is an extra field; it cannot be moved")
        target = as_list(self.parent.getPosition())[: len(inputs)]
        target[self.index] = position
        self.parent.asynchronousMoveTo(target)

    def isBusy(self) -> bool:
        return bool(self.parent.isBusy())

    def waitWhileBusy(self) -> None:
        self.parent.waitWhileBusy()

    def stop(self) -> None:
        self.parent.stop()


class DottedAccessScannableMotionBase(ScannableMotionBase):
    """GDA's DottedAccessScannableMotionBase: ``scn.i1`` is a scannable for the field ``i1`` of
    ``scn`` (input or extra); attributes of the object itself win over field names."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        fields = [*self.__dict__.get("inputNames", ()), *self.__dict__.get("extraNames", ())]
        if name in fields:
            return ScannableField(self, name)
        raise AttributeError(f"{type(self).__name__} {self.__dict__.get('name')!r} has no attribute or field {name!r}")


class PositionCallableProvider:
    """GDA's PositionCallableProvider: ``getPositionCallable()`` returns an object whose ``call()``
    gives the position. A scan reads such a scannable through its callable (called as the point
    is read out, not later on a pool as in GDA: the values are the same, only less overlapped)."""

    def getPositionCallable(self) -> Any:  # noqa: N802 - GDA's name
        raise NotImplementedError(f"{type(self).__name__}.getPositionCallable() is not implemented")
