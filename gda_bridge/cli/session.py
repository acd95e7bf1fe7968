"""The composition root: builds a script namespace and wires what listens to every scan."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import gda_bridge.commands as commands
import gda_bridge.devices as devices
from gda_bridge.config import BeamlineConfig, create_devices, load_config
from gda_bridge.devices import sim
from gda_bridge.scans.context import ScanContext, context

log = logging.getLogger("gda_bridge.session")


class Session:
    """One interactive or scripted session: a namespace and the scan table."""

    def __init__(self, ctx: ScanContext | None = None, config: BeamlineConfig | None = None) -> None:
        self.ctx = ctx or context()
        self.config = config
        self.namespace: dict[str, Any] = {"__name__": "__main__"}
        for name in commands.__all__:
            self.namespace[name] = getattr(commands, name)
        for name in devices.__all__:
            self.namespace[name] = getattr(devices, name)
        self._unsubscribe: list[Callable[[], None]] = []

    @classmethod
    def from_config(cls, path: str | None) -> Session:
        """A session with the devices of a configuration file (none without one)."""
        config = load_config(path) if path else None
        session = cls(config=config)
        if config is not None:
            session.add_devices(create_devices(config))
        return session

    def add_devices(self, found: dict[str, Any]) -> None:
        self.namespace.update(found)

    def close(self) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe.clear()


def demo_devices() -> dict[str, Any]:
    """The simulated devices of the demo: a motor that takes real time and a peaked counter."""
    x = sim.SimMotor("x", speed=50.0, limits=(-10, 10), units="mm")
    det = sim.GaussianCounter("det", motor=x, centre=1.3, fwhm=0.8, peak=1000, noise=0.02, background=3.0)
    return {"x": x, "det": det}
