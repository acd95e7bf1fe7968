"""gdascripts.pd.time_pds: scannables that time scan points (showtime, inctime, waittime, atime)."""

import time
from typing import Any

from gda_bridge.devices import ScannableMotionBase


class tictoc:  # noqa: N801 - GDA's name
    """A timer: t() is the time since it was made or reset."""

    def __init__(self) -> None:
        self.starttime = time.perf_counter()

    def reset(self) -> str:
        self.starttime = time.perf_counter()
        return "Resetting timer"

    def __call__(self) -> float:
        return time.perf_counter() - self.starttime

    def __repr__(self) -> str:
        return f"Elapsed time: {self():.4g} seconds"


class showtimeClass(ScannableMotionBase):  # noqa: N801
    """Time since the scan started; moving it to t waits until t."""

    def __init__(self, name: str) -> None:
        self.setName(name)
        self.setInputNames(["Elapsed"])
        self.Units = ["sec"]
        self.setOutputFormat(["%6.2f"])
        self.setLevel(7)
        self.timer = tictoc()
        self.waitUntilTime = 0.0

    def atScanStart(self) -> None:
        self.timer.reset()
        self.waitUntilTime = 0.0

    def rawGetPosition(self) -> float:
        return self.timer()

    def rawAsynchronousMoveTo(self, wait_until: Any) -> None:
        self.waitUntilTime = float(wait_until)

    def stop(self) -> None:
        self.waitUntilTime = 0.0

    def isBusy(self) -> bool:
        return self.timer() < self.waitUntilTime


class showincrementaltimeClass(ScannableMotionBase):  # noqa: N801
    """Time since it was last read (an extra field)."""

    def __init__(self, name: str) -> None:
        self.setName(name)
        self.setInputNames([])
        self.setExtraNames(["Elapsed"])
        self.Units = ["sec"]
        self.setOutputFormat(["%6.2f"])
        self.setLevel(7)
        self.timer = tictoc()

    def rawGetPosition(self) -> float:
        elapsed = self.timer()
        self.timer.reset()
        return elapsed

    def isBusy(self) -> bool:
        return False

    def atScanStart(self) -> None:
        self.timer.reset()


class waittimeClass(ScannableMotionBase):  # noqa: N801
    """Moving it to t waits t seconds; reads the time since that move."""

    def __init__(self, name: str) -> None:
        self.setName(name)
        self.setInputNames(["Time"])
        self.Units = ["sec"]
        self.setOutputFormat(["%6.2f"])
        self.setLevel(7)
        self.timer = tictoc()
        self.waitfortime = 0.0
        self.currenttime = 0.0

    def rawAsynchronousMoveTo(self, wait: Any) -> None:
        self.currenttime = self.timer()
        self.waitfortime = self.currenttime + float(wait)

    def rawGetPosition(self) -> float:
        return self.timer() - self.currenttime

    def isBusy(self) -> bool:
        return self.timer() < self.waitfortime


class waittimeClass2(waittimeClass):  # noqa: N801
    """As waittimeClass, reading 0."""

    def rawGetPosition(self) -> float:
        return 0.0


class actualTimeClass(ScannableMotionBase):  # noqa: N801
    """time.time() as an extra field."""

    def __init__(self, name: str) -> None:
        self.setName(name)
        self.setInputNames([])
        self.setExtraNames([name])
        self.setOutputFormat(["%f"])
        self.setLevel(7)

    def rawGetPosition(self) -> float:
        return time.time()

    def isBusy(self) -> bool:
        return False


showtime = showtimeClass("showtime")
inctime = showincrementaltimeClass("inctime")
waittime = waittimeClass2("waittime")
atime = actualTimeClass("atime")
