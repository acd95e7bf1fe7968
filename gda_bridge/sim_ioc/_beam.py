"""Storage-ring current and a beamline shutter: what later work watches to pause scans on beam loss."""

from __future__ import annotations

from ._fields import Field, double, enum

NOMINAL_CURRENT_MA = 300.0


class SimBeam:
    """``ring:current`` (mA, settable) and ``shutter:control`` -> ``shutter:status``."""

    def __init__(self, current: float = NOMINAL_CURRENT_MA) -> None:
        self.current = double(current, "ring current (mA); put a value to simulate a beam dump",
                              units="mA", precision=2)
        self.status = enum("Open", ("Closed", "Open"), "shutter state")
        self.control = enum("Open", ("Close", "Open"), "shutter command; status follows",
                            action=self._on_control)

    def fields(self, prefix: str) -> dict[str, Field]:
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

    def _on_control(self, value: str) -> None:
        self.status.set("Open" if value == "Open" else "Closed")
