"""The simulated beamline: motors, a scaler, a camera with its stats and HDF5 file plugins, the ring,
a shutter, a temperature controller, and the fly-scan hardware: a position-compare box (ZEBRA:)
whose pulses trigger the camera and advance a multi-channel scaler (MCS:), as one PV database."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ._beam import SimBeam
from ._camera import CameraConfig, SimCamera
from ._fields import DBR_NAMES, Field
from ._hdf5_plugin import SimHDF5Plugin
from ._mcs import McsConfig, SimMcs
from ._motor import MotorConfig, SimMotor
from ._scaler import PeakConfig, SimScaler
from ._scheduler import Scheduler
from ._stats import SimStats
from ._temperature import SimTemperatureController, TemperatureConfig
from ._zebra import SimZebra, ZebraConfig


def default_motors() -> list[MotorConfig]:
    return [MotorConfig(name) for name in ("m1", "m2", "m3")]


@dataclass
class BeamlineConfig:
    """Everything the simulated IOC serves; every PV name starts with ``prefix``."""

    prefix: str = "BL99:"
    motors: list[MotorConfig] = field(default_factory=default_motors)
    peak: PeakConfig = field(default_factory=PeakConfig)
    camera: CameraConfig = field(default_factory=CameraConfig)
    temperature: TemperatureConfig = field(default_factory=TemperatureConfig)
    zebra: ZebraConfig = field(default_factory=ZebraConfig)
    mcs: McsConfig = field(default_factory=McsConfig)
    seed: int | None = None


class SimBeamline:
    """Builds the devices and their PV database (name -> field); time runs on ``scheduler``."""

    def __init__(self, config: BeamlineConfig, scheduler: Scheduler | None = None) -> None:
        self.config = config
        self.scheduler = scheduler or Scheduler()
        rng = np.random.default_rng(config.seed)
        self.motors = {m.name: SimMotor(m, self.scheduler) for m in config.motors}
        self.beam = SimBeam()
        self.temperature = SimTemperatureController(config.temperature, self.scheduler)

        def position(name: str) -> float:
            motor = self.motors.get(name)
            return motor.position if motor is not None else 0.0

        cam = config.camera
        self.scaler = SimScaler("scaler1", config.peak, lambda: position(config.peak.motor),
                                lambda: self.beam.intensity, rng, self.scheduler)
        self.camera = SimCamera(cam, lambda: (position(cam.motor_x), position(cam.motor_y)),
                                lambda: self.beam.intensity, rng, self.scheduler)
        self.stats = SimStats()
        self.hdf = SimHDF5Plugin(self.scheduler)
        self.camera.plugins = [self.stats, self.hdf]

        def positions_at(when: np.ndarray) -> np.ndarray:
            motor = self.motors.get(config.peak.motor)
            return motor.positions_at(when) if motor is not None else np.zeros(np.shape(when))

        self.mcs = SimMcs(config.mcs, self.scaler.peak_rates, positions_at, config.peak.monitor_rate,
                          lambda: self.beam.intensity, rng, self.scheduler)
        self.zebra = SimZebra(config.zebra, self.motors, self.scheduler)
        self.zebra.connect(1, "camera trigger", self.camera.hardware_trigger, counts_missed=True)
        self.zebra.connect(2, "MCS channel advance", self.mcs.external_pulse, batch=self.mcs.external_pulses)
        prefix = config.prefix
        self.pvdb: dict[str, Field] = {}
        for motor in self.motors.values():
            self.pvdb.update(motor.fields(prefix))
        self.pvdb.update(self.scaler.fields(prefix))
        self.pvdb.update(self.camera.fields(prefix))
        self.pvdb.update(self.stats.fields(f"{prefix}STATS1:"))
        self.pvdb.update(self.hdf.fields(f"{prefix}HDF1:"))
        self.pvdb.update(self.beam.fields(prefix))
        self.pvdb.update(self.temperature.fields(prefix))
        self.pvdb.update(self.zebra.fields(f"{prefix}ZEBRA:"))
        self.pvdb.update(self.mcs.fields(f"{prefix}MCS:"))

    def describe(self) -> list[tuple[str, str, str]]:
        """(PV name, DBR type, what it is) for every PV, sorted by name."""
        return sorted((name, DBR_NAMES[f.kind], f.doc) for name, f in self.pvdb.items())
