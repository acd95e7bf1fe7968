"""EPICS device drivers over pyepics (the only package that imports it).

Each driver is a GDA-style device (``ScannableMotionBase`` / ``DetectorBase``) that the Java
engine drives like any other. Completion is signalled by put-callbacks turned into events, never
by sleeping; connection failures name every PV that did not connect.
"""

from ._area_detector import AreaDetector
from ._fly_line import PositionCompareBox, PositionCompareLine
from ._mcs import EpicsMcs
from ._mcs_detector import McsDetector
from ._motor import EpicsMotor
from ._position_compare import EpicsPositionCompare
from ._pv_backend import CONNECTION_TIMEOUT, Channel, Completion, connect_all, done_completion, get_many
from ._pv_scannable import PVMonitor, PVScannable
from ._scaler import EpicsScaler
from ._suspenders import DisconnectSuspender, PVSuspender

__all__ = [
    "CONNECTION_TIMEOUT", "AreaDetector", "Channel", "Completion", "DisconnectSuspender", "EpicsMcs",
    "EpicsMotor", "EpicsPositionCompare", "EpicsScaler", "McsDetector", "PVMonitor", "PVScannable", "PVSuspender",
    "PositionCompareBox", "PositionCompareLine", "connect_all", "done_completion", "get_many",
]
