"""A simulated areaDetector camera (cam1:) with its image plugin (image1:).

Frames are uint16, served as DBR_SHORT as areaDetector does (clients view them as uint16). Each
frame has a 2-D Gaussian spot whose centre follows two motors, scaled by the acquire time and the
beam, on a noisy background.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ._fields import Field, Pending, double, enum, integer, short_array, string
from ._scheduler import Scheduler, Timer

log = logging.getLogger("gda_bridge.sim_ioc.camera")

DETECTOR_STATES = ("Idle", "Acquire", "Readout", "Correct", "Saving", "Aborting", "Error",
                   "Waiting", "Initializing", "Disconnected", "Aborted")
DATA_TYPES = ("Int8", "UInt8", "Int16", "UInt16", "Int32", "UInt32", "Int64", "UInt64",
              "Float32", "Float64")
IMAGE_MODES = ("Single", "Multiple", "Continuous")


@dataclass
class CameraConfig:
    """Frame size and the spot model."""

    size_x: int = 1024
    size_y: int = 1024
    #: Motors whose user positions move the spot along x and y.
    motor_x: str = "m1"
    motor_y: str = "m2"
    #: Pixels per motor unit (the default puts +-10 mm across the frame).
    pixels_per_unit: float | None = None
    #: Peak counts per second of exposure at nominal beam.
    spot_rate: float = 2e5
    background: float = 20.0


class SimCamera:
    """``cam1:Acquire=1`` takes Single/Multiple/Continuous frames; a put completes when they are done."""

    def __init__(self, config: CameraConfig, positions: Callable[[], tuple[float, float]],
                 beam: Callable[[], float], rng: np.random.Generator, scheduler: Scheduler) -> None:
        self.config = c = config
        self._positions = positions
        self._beam = beam
        self._scheduler = scheduler
        self._next: Timer | None = None
        self._acquiring: Pending | None = None
        n_pixels = c.size_x * c.size_y
        # A few background frames made once and cycled: Poisson noise per frame costs too much.
        self._backgrounds = rng.poisson(c.background, size=(4, c.size_y, c.size_x)).astype(np.float32)
        self._xs = np.arange(c.size_x, dtype=np.float32)
        self._ys = np.arange(c.size_y, dtype=np.float32)

        self.acquire = enum("Done", ("Done", "Acquire"), "1 starts acquisition; a put completes when the "
                            "frames are done", action=self._on_acquire)
        self.acquire_rbv = enum("Done", ("Done", "Acquire"), "acquiring")
        self.state = enum("Idle", DETECTOR_STATES, "detector state")
        self.cam_counter = integer(0, "frames taken (cam)")
        self.images_counter = integer(0, "frames taken in this acquisition")
        self.array_data = short_array(n_pixels, "last frame, X*Y uint16 served as DBR_SHORT")
        self.unique_id = integer(0, "id of the last frame")
        self.image_counter = integer(0, "frames received (image plugin)")
        self.settings: dict[str, Field] = {}
        self._setting("AcquireTime", double(0.1, "exposure (s)", precision=4, units="s"))
        self._setting("AcquirePeriod", double(0.0, "frame period (s); at least the exposure", precision=4,
                                              units="s"))
        self._setting("NumImages", integer(1, "frames per acquisition in Multiple mode"))
        self._setting("ImageMode", enum("Single", IMAGE_MODES, "image mode"))
        self._setting("DataType", enum("UInt16", DATA_TYPES, "pixel type (UInt16 only)"))
        self.array_counter = integer(0, "frame counter; a put sets ArrayCounter_RBV", action=self._on_counter)

    def _setting(self, name: str, field: Field) -> None:
        """A setting with its _RBV twin; a put to the setting is echoed to the _RBV."""
        rbv = Field(field.kind, field.value, doc=f"{name} readback", precision=field.precision,
                    units=field.units, enums=field.enums)

        def echo(value: object) -> None:
            rbv.set(value)

        field.action = echo
        self.settings[name] = field
        self.settings[f"{name}_RBV"] = rbv

    def fields(self, prefix: str) -> dict[str, Field]:
        c = self.config
        cam, image = f"{prefix}cam1:", f"{prefix}image1:"
        pvs: dict[str, Field] = {f"{cam}{name}": ch for name, ch in self.settings.items()}
        const = {
            "ArraySizeX_RBV": c.size_x, "ArraySizeY_RBV": c.size_y, "SizeX_RBV": c.size_x,
            "SizeY_RBV": c.size_y, "MaxSizeX_RBV": c.size_x, "MaxSizeY_RBV": c.size_y,
        }
        pvs.update({f"{cam}{name}": integer(v, name) for name, v in const.items()})
        pvs.update({
            f"{cam}Acquire": self.acquire, f"{cam}Acquire_RBV": self.acquire_rbv,
            f"{cam}DetectorState_RBV": self.state, f"{cam}ArrayCounter": self.array_counter,
            f"{cam}ArrayCounter_RBV": self.cam_counter,
            f"{cam}NumImagesCounter_RBV": self.images_counter,
            f"{cam}Manufacturer_RBV": string("gda-bridge", "manufacturer"),
            f"{cam}Model_RBV": string("simulated camera", "model"),
            f"{image}ArrayData": self.array_data,
            f"{image}ArraySize0_RBV": integer(c.size_x, "frame width"),
            f"{image}ArraySize1_RBV": integer(c.size_y, "frame height"),
            f"{image}ArraySize2_RBV": integer(0, "third dimension (none)"),
            f"{image}NDimensions_RBV": integer(2, "dimensions"),
            f"{image}UniqueId_RBV": self.unique_id,
            f"{image}ArrayCounter_RBV": self.image_counter,
            f"{image}DataType_RBV": enum("UInt16", DATA_TYPES, "pixel type"),
            f"{image}EnableCallbacks": enum("Enable", ("Disable", "Enable"), "plugin enabled"),
        })
        return pvs

    def frame(self, exposure: float, index: int) -> np.ndarray:
        """One (size_y, size_x) uint16 frame for the current motor positions."""
        c = self.config
        ppu = c.pixels_per_unit or c.size_x / 20.0
        x, y = self._positions()
        cx, cy = c.size_x / 2 + x * ppu, c.size_y / 2 + y * ppu
        sigma = max(c.size_x, c.size_y) / 40.0
        amplitude = c.spot_rate * exposure * self._beam()
        gx = np.exp(-0.5 * ((self._xs - cx) / sigma) ** 2)
        gy = amplitude * np.exp(-0.5 * ((self._ys - cy) / sigma) ** 2)
        image = np.outer(gy, gx)
        image += self._backgrounds[index % len(self._backgrounds)]
        np.clip(image, 0, 65535, out=image)
        return image.astype(np.uint16)

    def _on_counter(self, value: int) -> None:
        self.cam_counter.set(value)

    def _on_acquire(self, value: str) -> Pending | None:
        if value == "Acquire":
            if self._acquiring is None:
                self._start()
            return self._acquiring
        if self._acquiring is not None:
            self._end("Aborted")
        return None

    def _start(self) -> None:
        s = self.settings
        count = {"Single": 1, "Multiple": max(1, s["NumImages"].value)}.get(s["ImageMode"].value)
        exposure = s["AcquireTime"].value
        period = max(exposure, s["AcquirePeriod"].value)
        self._acquiring = Pending()
        self.acquire_rbv.set("Acquire")
        self.state.set("Acquire")
        self.images_counter.set(0)

        def expose_end() -> None:
            self._publish(self.frame(exposure, self.unique_id.value))
            taken = self.images_counter.value + 1
            self.images_counter.set(taken)
            if count is not None and taken >= count:
                self._end("Idle")
            else:
                self._next = self._scheduler.call_later(period, expose_end)

        self._next = self._scheduler.call_later(exposure, expose_end)

    def _end(self, state: str) -> None:
        timer, self._next = self._next, None
        if timer is not None:
            timer.cancel()
        self.state.set(state)
        self.acquire_rbv.set("Done")
        self.acquire.set("Done")
        acquiring, self._acquiring = self._acquiring, None
        if acquiring is not None:
            acquiring.fire()

    def _publish(self, frame: np.ndarray) -> None:
        self.array_data.set(frame.reshape(-1).view(np.int16))
        self.unique_id.set(self.unique_id.value + 1)
        self.image_counter.set(self.image_counter.value + 1)
        self.cam_counter.set(self.cam_counter.value + 1)
