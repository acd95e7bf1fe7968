"""GDA's ScannableGroup: several scannables moved and read as one."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from gda_bridge.core.errors import DeviceError
from gda_bridge.devices.base import ScannableBase, as_list


class ScannableGroup(ScannableBase):
    """Its fields are its members' fields in order; a move starts every member at once."""

    def __init__(self, name: str | None = None, members: Sequence[Any] = ()) -> None:
        super().__init__(name)
        self.setGroupMembers(members)

    def _init_state(self) -> None:
        super()._init_state()
        self._members: list[Any] = []

    def setGroupMembers(self, members: Sequence[Any]) -> None:
        self._members = list(members)
        self.inputNames = [n for m in self._members for n in m.getInputNames()]
        self.extraNames = [n for m in self._members for n in m.getExtraNames()]
        self.outputFormat = [f for m in self._members for f in m.getOutputFormat()]

    def getGroupMembers(self) -> list[Any]:
        return list(self._members)

    def addGroupMember(self, member: Any) -> None:
        self.setGroupMembers([*self._members, member])

    def __getattr__(self, name: str) -> Any:
        for m in self.__dict__.get("_members", []):
            if m.getName() == name:
                return m
        raise AttributeError(name)

    def getPosition(self) -> Any:
        return [v for m in self._members for v in as_list(m.getPosition())]

    def _split(self, position: Any) -> list[Any]:
        values = as_list(position)
        if len(values) != len(self.inputNames):
            raise DeviceError(
                f"{self.getName()}: position {position!r} has {len(values)} values; "
                f"expected {len(self.inputNames)} for {list(self.inputNames)}"
            )
        parts, i = [], 0
        for m in self._members:
            n = len(m.getInputNames())
            part = values[i : i + n]
            parts.append(part[0] if n == 1 else part)
            i += n
        return parts

    def checkPositionValid(self, position: Any) -> str | None:
        for m, part in zip(self._members, self._split(position), strict=True):
            reason = m.checkPositionValid(part)
            if reason is not None:
                return reason
        return None

    def asynchronousMoveTo(self, position: Any) -> None:
        for m, part in zip(self._members, self._split(position), strict=True):
            if part is not None and part != [None]:
                m.asynchronousMoveTo(part)

    def isBusy(self) -> bool:
        return any(m.isBusy() for m in self._members)

    def waitWhileBusy(self) -> None:
        for m in self._members:
            m.waitWhileBusy()

    def stop(self) -> None:
        errors = []
        for m in self._members:
            try:
                m.stop()
            except Exception as exc:
                errors.append(f"{m.getName()}: {exc}")
        if errors:
            raise DeviceError(f"{self.getName()}: stop failed for " + "; ".join(errors))
