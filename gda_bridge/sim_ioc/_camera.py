"""A simulated areaDetector camera (cam1:) with its image plugin (image1:).

Frames are uint16, served as DBR_SHORT as areaDetector does (clients view them as uint16). Each
frame has a 2-D Gaussian spot whose centre follows two motors, scaled by the acquire time and the
beam, on a noisy background.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ._channels import Double, Enum, Integer, Short, String

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
                 beam: Callable[[], float], rng: np.random.Generator) -> None:
        self.config = c = config
        self._positions = positions
        self._beam = beam
        self._task: asyncio.Task[None] | None = None
        n_pixels = c.size_x * c.size_y
        # A few background frames made once and cycled: Poisson noise per frame costs too much.
        self._backgrounds = rng.poisson(c.background, size=(4, c.size_y, c.size_x)).astype(np.float32)
        self._xs = np.arange(c.size_x, dtype=np.float32)
        self._ys = np.arange(c.size_y, dtype=np.float32)

        self.acquire = Enum(value="Done", enum_strings=("Done", "Acquire"), action=self._on_acquire,
                            doc="1 starts acquisition; a put completes when the frames are done")
        self.acquire_rbv = Enum(value="Done", enum_strings=("Done", "Acquire"), doc="acquiring")
        self.state = Enum(value="Idle", enum_strings=DETECTOR_STATES, doc="detector state")
        self.cam_counter = Integer(value=0, doc="frames taken (cam)")
        self.images_counter = Integer(value=0, doc="frames taken in this acquisition")
        self.array_data = Short(value=np.zeros(n_pixels, dtype=np.int16), max_length=n_pixels,
                                doc="last frame, X*Y uint16 served as DBR_SHORT")
        self.unique_id = Integer(value=0, doc="id of the last frame")
        self.image_counter = Integer(value=0, doc="frames received (image plugin)")
        self.settings: dict[str, object] = {}
        self._setting("AcquireTime", Double(value=0.1, precision=4, units="s", doc="exposure (s)"))
        self._setting("AcquirePeriod", Double(value=0.0, precision=4, units="s",
                                              doc="frame period (s); at least the exposure"))
        self._setting("NumImages", Integer(value=1, doc="frames per acquisition in Multiple mode"))
        self._setting("ImageMode", Enum(value="Single", enum_strings=IMAGE_MODES, doc="image mode"))
        self._setting("DataType", Enum(value="UInt16", enum_strings=DATA_TYPES,
                                       doc="pixel type (UInt16 only)"))
        self.array_counter = Integer(value=0, action=self.cam_counter.set,
                                     doc="frame counter; a put sets ArrayCounter_RBV")

    def _setting(self, name: str, channel: object) -> None:
        """A setting with its _RBV twin; a put to the setting is echoed to the _RBV."""
        rbv = type(channel)(value=channel.value, doc=f"{name} readback",
                            **({"enum_strings": channel.enum_strings} if isinstance(channel, Enum) else {}))

        async def echo(value: object) -> None:
            await rbv.set(value)

        channel.action = echo
        self.settings[name] = channel
        self.settings[f"{name}_RBV"] = rbv

    def channels(self, prefix: str) -> dict[str, object]:
        c = self.config
        cam, image = f"{prefix}cam1:", f"{prefix}image1:"
        pvs: dict[str, object] = {f"{cam}{name}": ch for name, ch in self.settings.items()}
        const = {
            "ArraySizeX_RBV": c.size_x, "ArraySizeY_RBV": c.size_y, "SizeX_RBV": c.size_x,
            "SizeY_RBV": c.size_y, "MaxSizeX_RBV": c.size_x, "MaxSizeY_RBV": c.size_y,
        }
        pvs.update({f"{cam}{name}": Integer(value=v, doc=name) for name, v in const.items()})
        pvs.update({
            f"{cam}Acquire": self.acquire, f"{cam}Acquire_RBV": self.acquire_rbv,
            f"{cam}DetectorState_RBV": self.state, f"{cam}ArrayCounter": self.array_counter,
            f"{cam}ArrayCounter_RBV": self.cam_counter,
            f"{cam}NumImagesCounter_RBV": self.images_counter,
            f"{cam}Manufacturer_RBV": String(value="gda-bridge", doc="manufacturer"),
            f"{cam}Model_RBV": String(value="simulated camera", doc="model"),
            f"{image}ArrayData": self.array_data,
            f"{image}ArraySize0_RBV": Integer(value=c.size_x, doc="frame width"),
            f"{image}ArraySize1_RBV": Integer(value=c.size_y, doc="frame height"),
            f"{image}ArraySize2_RBV": Integer(value=0, doc="third dimension (none)"),
            f"{image}NDimensions_RBV": Integer(value=2, doc="dimensions"),
            f"{image}UniqueId_RBV": self.unique_id,
            f"{image}ArrayCounter_RBV": self.image_counter,
            f"{image}DataType_RBV": Enum(value="UInt16", enum_strings=DATA_TYPES, doc="pixel type"),
            f"{image}EnableCallbacks": Enum(value="Enable", enum_strings=("Disable", "Enable"),
                                            doc="plugin enabled"),
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

    async def _on_acquire(self, value: str) -> None:
        if value == "Acquire":
            if self._task is None:
                self._task = asyncio.create_task(self._acquire())
            await self._task
        elif self._task is not None:
            self._task.cancel()

    async def _acquire(self) -> None:
        s = self.settings
        mode = s["ImageMode"].value
        count = {"Single": 1, "Multiple": max(1, s["NumImages"].value)}.get(mode)
        exposure = s["AcquireTime"].value
        period = max(exposure, s["AcquirePeriod"].value)
        await self.acquire_rbv.set("Acquire")
        await self.state.set("Acquire")
        await self.images_counter.set(0)
        final = "Idle"
        try:
            taken = 0
            while count is None or taken < count:
                await asyncio.sleep(exposure)
                await self._publish(self.frame(exposure, self.unique_id.value))
                taken += 1
                await self.images_counter.set(taken)
                if period > exposure and (count is None or taken < count):
                    await asyncio.sleep(period - exposure)
        except asyncio.CancelledError:
            final = "Aborted"
        finally:
            self._task = None
        await self.state.set(final)
        await self.acquire_rbv.set("Done")
        await self.acquire.set("Done")

    async def _publish(self, frame: np.ndarray) -> None:
        await self.array_data.set(frame.reshape(-1).view(np.int16))
        await self.unique_id.set(self.unique_id.value + 1)
        await self.image_counter.set(self.image_counter.value + 1)
        await self.cam_counter.set(self.cam_counter.value + 1)
