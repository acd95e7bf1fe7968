"""Teach pcaspy 0.8 to serve DBF_FLOAT (float32) PVs, as areaDetector serves Float32 frames.

pcaspy maps its type names to EPICS base's ``aitEnum`` types and knows only char, short, int
(long), float (double), enum and string. Reads of a float32 PV work once the name is registered;
monitor updates also need the control container of DBR_CTRL_FLOAT filled in, whose precision
slot sits before the value as in DBR_CTRL_DOUBLE (pcaspy fills it that way only for doubles).
Import only in the IOC process: it imports pcaspy.
"""

from __future__ import annotations

from typing import Any

from pcaspy import cas
from pcaspy import driver as pcaspy_driver

#: gddAppType_dbr_ctrl_float in EPICS base's gddApps.h (ctrl_short 29, ctrl_float 30, ctrl_enum 31).
GDD_CTRL_FLOAT = 30
#: gddAppType_value.
GDD_VALUE = 16


def _post_float32(pv: Any, db_value: Any) -> None:
    """SimplePV.updateValue for a float32 PV: the value, then the control info with precision."""
    info = pv.info
    value = cas.gdd(GDD_VALUE, info.type)
    if info.count > 1:
        value.setDimension(1)
        value.setBound(0, 0, info.count)
    value.put(db_value.value)
    value.setTimeStamp(db_value.time)
    value.setStatSevr(db_value.alarm, db_value.severity)
    ctrl = cas.gdd.createDD(GDD_CTRL_FLOAT)
    for slot, item in enumerate((info.unit, info.low, info.high, info.lolo, info.hihi, info.lolim,
                                 info.hilim, info.lolim, info.hilim, info.prec, value), start=1):
        ctrl[slot].put(item)
    pv.postEvent(db_value.mask, ctrl)


def register_float32() -> None:
    """Make ``"float32"`` a pcaspy PV type (idempotent)."""
    if "float32" in pcaspy_driver._ait_d:
        return
    pcaspy_driver._ait_d["float32"] = cas.aitEnumFloat32
    pcaspy_driver._dbr_d[cas.aitEnumFloat32] = GDD_CTRL_FLOAT
    original = pcaspy_driver.SimplePV.updateValue

    def update_value(self: Any, db_value: Any) -> None:
        if self.info.type == cas.aitEnumFloat32:
            if self.interest:
                _post_float32(self, db_value)
            return
        original(self, db_value)

    pcaspy_driver.SimplePV.updateValue = update_value
