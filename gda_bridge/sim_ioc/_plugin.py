"""What every simulated areaDetector plugin serves (NDPluginBase.template and NDArrayBase.template).

A plugin gets each frame the camera makes, as an :class:`NDFrame`, while its EnableCallbacks is
Enable. Clients such as ophyd-async connect to the whole base record set of a plugin, so it is
served even where the simulation does nothing with a value (NDArrayAddress, NDAttributesFile,
WaitForPlugins...).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._camera_frames import COLOR_MODES, DATA_TYPES
from ._fields import Field, enum, integer, string, text, with_readback

#: Seconds between the POSIX epoch and the EPICS epoch (1990-01-01 UTC).
EPICS_EPOCH = 631152000.0
#: The camera's asyn port name: the NDArrayPort every plugin is connected to.
CAMERA_PORT = "CAM1"
ENABLE = ("Disable", "Enable")


@dataclass(frozen=True)
class NDFrame:
    """One frame as areaDetector passes it to plugins: pixels (ny, nx) and its attributes."""

    data: np.ndarray
    unique_id: int
    #: Wall-clock time of the frame in seconds since the EPICS epoch (NDArray.timeStamp).
    timestamp: float

    @property
    def epics_ts(self) -> tuple[int, int]:
        """(seconds, nanoseconds) of the EPICS timestamp."""
        sec = int(self.timestamp)
        return sec, int(round((self.timestamp - sec) * 1e9))


class PluginBase:
    """Counters and settings shared by every plugin; subclasses add theirs to ``self.pvs``."""

    def __init__(self, plugin_type: str, queue_size: int = 2000) -> None:
        self.settings: dict[str, Field] = {}
        self.enabled = with_readback(self.settings, "EnableCallbacks",
                                     enum("Enable", ENABLE, "whether the plugin gets the camera's frames"))
        with_readback(self.settings, "NDArrayPort", string(CAMERA_PORT, "port the frames come from"))
        with_readback(self.settings, "NDArrayAddress", integer(0, "address on that port"))
        self.queue_size = with_readback(self.settings, "QueueSize", integer(queue_size, "frames the plugin "
                                        "may hold before it drops one"))
        self.array_counter = with_readback(self.settings, "ArrayCounter",
                                           integer(0, "frames received; a put sets it"))
        self.dropped = with_readback(self.settings, "DroppedArrays", integer(0, "frames dropped (queue full)"))
        with_readback(self.settings, "NDAttributesFile", text("", "attributes XML file (not used)"))
        with_readback(self.settings, "Acquire", enum("Done", ("Done", "Acquire"), "not used by a plugin"))
        with_readback(self.settings, "BlockingCallbacks", enum("No", ("No", "Yes"), "accepted; frames are "
                                                              "always handed over at once"))
        self.queue_free = integer(queue_size, "free places in the queue")
        self.unique_id = integer(0, "id of the last frame received")
        self.time_stamp = Field("float", 0.0, doc="time stamp of the last frame (EPICS epoch, s)", precision=6)
        self.ts_sec = integer(0, "EPICS time stamp of the last frame: seconds")
        self.ts_nsec = integer(0, "EPICS time stamp of the last frame: nanoseconds")
        self.sizes = [integer(0, f"dimension {i} of the last frame") for i in range(3)]
        self.n_dims = integer(2, "dimensions of the last frame")
        self.data_type = enum("UInt16", DATA_TYPES, "pixel type of the last frame")
        self.pvs: dict[str, Field] = dict(self.settings)
        self.pvs.update({
            "PluginType_RBV": string(plugin_type, "plugin type"),
            "QueueFree_RBV": self.queue_free,
            "UniqueId_RBV": self.unique_id,
            "TimeStamp_RBV": self.time_stamp,
            "EpicsTSSec_RBV": self.ts_sec,
            "EpicsTSNsec_RBV": self.ts_nsec,
            "ArraySize0_RBV": self.sizes[0], "ArraySize1_RBV": self.sizes[1], "ArraySize2_RBV": self.sizes[2],
            "ArraySizeX_RBV": self.sizes[0], "ArraySizeY_RBV": self.sizes[1],
            "NDimensions_RBV": self.n_dims,
            "DataType_RBV": self.data_type,
            "ColorMode_RBV": enum("Mono", COLOR_MODES, "colour mode of the last frame"),
            "WaitForPlugins": enum("No", ("No", "Yes"), "not used by a plugin"),
        })

    @property
    def is_enabled(self) -> bool:
        return self.enabled.value == "Enable"

    def fields(self, prefix: str) -> dict[str, Field]:
        return {f"{prefix}{name}": field for name, field in self.pvs.items()}

    def note_received(self, frame: NDFrame) -> None:
        """Post the frame's description and counters (not its UniqueId: see :meth:`note_done`)."""
        ny, nx = frame.data.shape[:2]
        if self.sizes[0].value != nx or self.sizes[1].value != ny:
            self.sizes[0].set(nx)
            self.sizes[1].set(ny)
        dtype_name = frame.data.dtype.name
        data_type = next(t for t in DATA_TYPES if t.lower() == dtype_name)
        if self.data_type.value != data_type:
            self.data_type.set(data_type)
        self.array_counter.set(self.array_counter.value + 1)
        self.settings["ArrayCounter_RBV"].set(self.array_counter.value)

    def note_done(self, frame: NDFrame) -> None:
        """Post the frame's time stamp and, last, its UniqueId."""
        sec, nsec = frame.epics_ts
        self.time_stamp.set(frame.timestamp)
        self.ts_sec.set(sec)
        self.ts_nsec.set(nsec)
        self.unique_id.set(frame.unique_id)

    def note_dropped(self) -> None:
        self.dropped.set(self.dropped.value + 1)
        self.settings["DroppedArrays_RBV"].set(self.dropped.value)
