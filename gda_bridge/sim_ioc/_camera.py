"""A simulated areaDetector camera (cam1:) with its image plugin (image1:).

Frames have the pixel type of ``cam1:DataType`` and the colour layout of ``cam1:ColorMode``;
``image1:ArrayData`` serves them in the Channel Access type fixed at start-up (see
``_camera_frames``). ``cam1:SimMode`` chooses the picture: Spot, a 2-D Gaussian spot whose centre
follows two motors, scaled by the acquire time and the beam, on a noisy background; or Ramp, the
known pattern of :func:`_camera_frames.ramp` (for pixel-exact tests).
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from ._camera_frames import (
    COLOR_MODES,
    DATA_TYPES,
    SERVED_COLOR_MODES,
    SIM_MODES,
    WAVEFORM_KINDS,
    colour,
    in_type,
    layout,
    ramp,
    to_wire,
)
from ._fields import DBR_NAMES, WIRE_DTYPES, Field, Pending, double, enum, integer, string, text, waveform
from ._plugin import CAMERA_PORT, EPICS_EPOCH, NDFrame
from ._scheduler import Scheduler, Timer

log = logging.getLogger("gda_bridge.sim_ioc.camera")

DETECTOR_STATES = ("Idle", "Acquire", "Readout", "Correct", "Saving", "Aborting", "Error",
                   "Waiting", "Initializing", "Disconnected", "Aborted")
IMAGE_MODES = ("Single", "Multiple", "Continuous")
TRIGGER_MODES = ("Internal", "External")
#: Spot frames kept for reuse: a cycle of backgrounds for one exposure, position and beam.
FRAME_CACHE_SIZE = 8


class FramePlugin(Protocol):
    """A plugin the camera passes its frames to (stats, file writer)."""

    @property
    def is_enabled(self) -> bool: ...

    def on_frame(self, frame: NDFrame) -> None: ...


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
    #: Initial cam1:DataType; ArrayData's Channel Access type is the one areaDetector uses for it.
    data_type: str = "UInt16"
    #: Whether ArrayData holds X*Y*3 elements, so RGB1/RGB2/RGB3 frames fit (an IOC's NELEMENTS);
    #: every read of it then costs the server three times as much.
    colour: bool = False

    def __post_init__(self) -> None:
        if self.data_type not in WAVEFORM_KINDS:
            raise ValueError(f"camera data type {self.data_type!r} is not one of {list(WAVEFORM_KINDS)} "
                             "(Channel Access has no 64-bit integer type)")


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
        self._expose: Callable[..., None] | None = None  # External mode: what the next trigger starts
        self._triggers = 0  # External mode: triggers not yet used
        self._frames: OrderedDict[tuple[object, ...], np.ndarray] = OrderedDict()
        #: Plugins after the image plugin (the beamline adds stats and the file writer).
        self.plugins: list[FramePlugin] = []
        n_pixels = c.size_x * c.size_y
        # A few background frames made once and cycled: Poisson noise per frame costs too much.
        self._backgrounds = rng.poisson(c.background, size=(4, c.size_y, c.size_x)).astype(np.float32)
        self._xs = np.arange(c.size_x, dtype=np.float32)
        self._ys = np.arange(c.size_y, dtype=np.float32)

        self.acquire = enum("Done", ("Done", "Acquire"), "1 starts acquisition; a put completes when the "
                            "frames are done", action=self._on_acquire, stop_value="Done")
        self.acquire_rbv = enum("Done", ("Done", "Acquire"), "acquiring")
        self.state = enum("Idle", DETECTOR_STATES, "detector state")
        self.cam_counter = integer(0, "frames taken (cam)")
        self.images_counter = integer(0, "frames taken in this acquisition")
        kind = WAVEFORM_KINDS[c.data_type]
        self._wire_dtype = WIRE_DTYPES[kind]
        self.array_data = waveform(kind, (3 if c.colour else 1) * n_pixels,
                                   f"last frame ({'X*Y*3' if c.colour else 'X*Y'} elements), "
                                   f"served as DBR_{DBR_NAMES[kind]}")
        self.data_type_rbv = enum(c.data_type, DATA_TYPES, "pixel type of the last frame")
        self.color_mode_rbv = enum("Mono", COLOR_MODES, "colour mode of the last frame")
        self.n_dims = integer(2, "dimensions of the last frame (3 in colour)")
        self.sizes = [integer(c.size_x, "dimension 0 of the last frame"),
                      integer(c.size_y, "dimension 1 of the last frame"),
                      integer(0, "dimension 2 of the last frame (0 in mono)")]
        self.frame_id = integer(0, "id of the last frame made")
        self.unique_id = integer(0, "id of the last frame (image plugin)")
        self.image_enabled = enum("Enable", ("Disable", "Enable"), "image plugin enabled: Disable skips "
                                  "the Channel Access preview (ArrayData), as fast file writing needs")
        self.image_counter = integer(0, "frames received (image plugin)")
        self.settings: dict[str, Field] = {}
        self._setting("AcquireTime", double(0.1, "exposure (s)", precision=4, units="s"))
        self._setting("AcquirePeriod", double(0.0, "frame period (s); at least the exposure", precision=4,
                                              units="s"))
        self._setting("NumImages", integer(1, "frames per acquisition in Multiple mode"))
        self._setting("ImageMode", enum("Single", IMAGE_MODES, "image mode"))
        self._setting("TriggerMode", enum("Internal", TRIGGER_MODES, "Internal: frames follow the "
                                          "period; External: each frame waits for a SoftTrigger put"))
        self._setting("DataType", enum(c.data_type, DATA_TYPES, "pixel type of the next frames"))
        served = SERVED_COLOR_MODES if c.colour else ("Mono",)
        self._setting("ColorMode", enum("Mono", COLOR_MODES, f"colour mode of the next frames ({', '.join(served)}; "
                                        "others are refused)", check=lambda mode: mode in served))
        self._setting("SimMode", enum("Spot", SIM_MODES, "picture: Spot (follows the motors) or Ramp "
                                      "(a known pattern)"))
        self.array_counter = integer(0, "frame counter; a put sets ArrayCounter_RBV", action=self._on_counter)
        self.soft_trigger = integer(0, "External mode: a put of 1 starts the next frame (the simulated "
                                    "external trigger input)", action=self._on_trigger)

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
            f"{cam}PortName_RBV": string(CAMERA_PORT, "asyn port of the frames"),
            f"{cam}UniqueId_RBV": self.frame_id,
            f"{cam}SoftTrigger": self.soft_trigger,
            f"{cam}NDAttributesFile": text("", "attributes XML file (not used)"),
            f"{cam}WaitForPlugins": enum("No", ("No", "Yes"), "Acquire's put waits for the plugins (not used)"),
            f"{image}ArrayData": self.array_data,
            f"{image}ArraySize0_RBV": self.sizes[0],
            f"{image}ArraySize1_RBV": self.sizes[1],
            f"{image}ArraySize2_RBV": self.sizes[2],
            f"{image}NDimensions_RBV": self.n_dims,
            f"{image}UniqueId_RBV": self.unique_id,
            f"{image}ArrayCounter_RBV": self.image_counter,
            f"{image}DataType_RBV": self.data_type_rbv,
            f"{image}ColorMode_RBV": self.color_mode_rbv,
            f"{image}EnableCallbacks": self.image_enabled,
            f"{image}EnableCallbacks_RBV": self.image_enabled,
        })
        return pvs

    def frame(self, exposure: float, index: int) -> np.ndarray:
        """Frame ``index`` as the settings say: (ny, nx), or (ny, nx, 3) in colour, of DataType."""
        s = self.settings
        data_type, colours = s["DataType"].value, 1 if s["ColorMode"].value == "Mono" else 3
        if s["SimMode"].value == "Ramp":
            return ramp(self.config.size_y, self.config.size_x, data_type, index, colours)
        # Spot frames are a pure function of these: made once, then cycled from the cache.
        key = (data_type, colours, exposure, self._positions(), self._beam(), index % len(self._backgrounds))
        cached = self._frames.get(key)
        if cached is not None:
            self._frames.move_to_end(key)
            return cached
        image = self.spot(exposure, index)
        made = in_type(image if colours == 1 else colour(image), data_type)
        made.flags.writeable = False  # shared by every plugin and every reuse
        self._frames[key] = made
        if len(self._frames) > FRAME_CACHE_SIZE:
            self._frames.popitem(last=False)
        return made

    def spot(self, exposure: float, index: int) -> np.ndarray:
        """The (size_y, size_x) float picture of the spot at the current motor positions."""
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
        return image

    def _on_counter(self, value: int) -> None:
        self.cam_counter.set(value)

    def _on_trigger(self, value: int) -> None:
        if value != 1 or self._acquiring is None or self.settings["TriggerMode"].value != "External":
            return
        self._triggers += 1
        self._use_trigger()

    def hardware_trigger(self, at: float | None = None) -> bool:
        """A pulse on the external trigger input (from the trigger box): it starts the next frame
        if the camera is waiting for one (External mode, acquiring, not exposing); otherwise it is
        lost, as a real camera drops a trigger it cannot take. The exposure starts at ``at`` (the
        pulse's scheduler time; now by default), not when a busy loop got to it. Returns whether
        it was taken."""
        if self._acquiring is None or self.settings["TriggerMode"].value != "External" or self._expose is None:
            return False
        expose, self._expose = self._expose, None
        expose(at)
        return True

    def _use_trigger(self) -> None:
        """External mode: start the waiting exposure if a trigger has come (one frame per trigger)."""
        if self._triggers > 0 and self._expose is not None:
            self._triggers -= 1
            expose, self._expose = self._expose, None
            expose()

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
        external = s["TriggerMode"].value == "External"
        self._acquiring = Pending()
        self._triggers = 0
        self.acquire_rbv.set("Acquire")
        self.state.set("Waiting" if external else "Acquire")
        self.images_counter.set(0)

        due = self._scheduler.now() + exposure  # frame ends on a fixed grid: no drift at high rates

        def expose(at: float | None = None) -> None:
            nonlocal due
            self.state.set("Acquire")
            due = (self._scheduler.now() if at is None else at) + exposure
            self._next = self._scheduler.call_at(due, expose_end)

        def expose_end() -> None:
            nonlocal due
            unique_id = self.frame_id.value + 1
            self._deliver(self.frame(exposure, unique_id), unique_id, late=self._scheduler.now() - due)
            taken = self.images_counter.value + 1
            self.images_counter.set(taken)
            if count is not None and taken >= count:
                self._end("Idle")
            elif external:
                self.state.set("Waiting")
                self._expose = expose
                self._use_trigger()
            else:
                due = max(due + period, self._scheduler.now() - period)  # never a burst to catch up
                self._next = self._scheduler.call_at(due, expose_end)

        if external:
            self._expose = expose
        else:
            self._next = self._scheduler.call_at(due, expose_end)

    def _end(self, state: str) -> None:
        timer, self._next = self._next, None
        if timer is not None:
            timer.cancel()
        self._expose = None
        self.state.set(state)
        self.acquire_rbv.set("Done")
        self.acquire.set("Done")
        acquiring, self._acquiring = self._acquiring, None
        if acquiring is not None:
            acquiring.fire()

    def _deliver(self, data: np.ndarray, unique_id: int, late: float = 0.0) -> None:
        """Pass a new frame to the image plugin (if enabled) and every enabled plugin. Its time
        stamp is the end of its exposure, as a camera stamps it, not when a busy loop got to it
        (``late`` seconds after)."""
        self.frame_id.set(unique_id)
        self.cam_counter.set(self.cam_counter.value + 1)
        if self.image_enabled.value == "Enable":
            self._publish(data, unique_id)
        if self.plugins:
            frame = NDFrame(data, unique_id, time.time() - max(0.0, late) - EPICS_EPOCH)
            for plugin in self.plugins:
                if plugin.is_enabled:
                    plugin.on_frame(frame)

    def _publish(self, frame: np.ndarray, unique_id: int) -> None:
        """Post a frame as the image plugin does: its data and attributes before its UniqueId."""
        mode = self.settings["ColorMode"].value
        ordered, dims = layout(frame, mode)
        wire = to_wire(ordered, self._wire_dtype)
        if wire.size < self.array_data.count:  # a Mono frame in a waveform sized for colour
            wire = np.concatenate([wire, np.zeros(self.array_data.count - wire.size, dtype=wire.dtype)])
        self.array_data.set(wire)
        self.data_type_rbv.set(self.settings["DataType"].value)
        self.color_mode_rbv.set(mode)
        self.n_dims.set(2 if mode == "Mono" else 3)
        for field, size in zip(self.sizes, dims, strict=True):
            field.set(size)
        self.unique_id.set(unique_id)
        self.image_counter.set(self.image_counter.value + 1)
