"""Storage-ring current and a beamline shutter: what later work watches to pause scans on beam loss."""

from __future__ import annotations

from ._channels import Double, Enum

NOMINAL_CURRENT_MA = 300.0


class SimBeam:
    """``ring:current`` (mA, settable) and ``shutter:control`` -> ``shutter:status``."""

    def __init__(self, current: float = NOMINAL_CURRENT_MA) -> None:
        self.current = Double(value=current, units="mA", precision=2,
                              doc="ring current (mA); put a value to simulate a beam dump")
        self.status = Enum(value="Open", enum_strings=("Closed", "Open"), doc="shutter state")
        self.control = Enum(value="Open", enum_strings=("Close", "Open"), action=self._on_control,
                            doc="shutter command; status follows")

    def channels(self, prefix: str) -> dict[str, object]:
        return {
            f"{prefix}ring:current": self.current,
            f"{prefix}shutter:status": self.status,
            f"{prefix}shutter:control": self.control,
        }

    @property
    def intensity(self) -> float:
        """Relative beam on the sample: ring current over nominal, zero with the shutter closed."""
        if self.status.value != "Open":
            return 0.0
        return max(0.0, self.current.value) / NOMINAL_CURRENT_MA

    async def _on_control(self, value: str) -> None:
        await self.status.set("Open" if value == "Open" else "Closed")
