"""A simulated scaler record: CNT=1 counts for TP seconds; one channel sees a peak of a motor."""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ._channels import Double, Enum, Integer, String

log = logging.getLogger("gda_bridge.sim_ioc.scaler")

N_CHANNELS = 32  # as the scaler record (ophyd's EpicsScaler connects all 32)


@dataclass
class PeakConfig:
    """A Gaussian peak in S2 ("det") as a function of one motor's position."""

    motor: str = "m1"
    centre: float = 0.1
    fwhm: float = 0.3
    #: Counts per second at the top of the peak, at nominal beam.
    rate: float = 1e5
    #: Counts per second far from the peak, at nominal beam.
    background: float = 100.0
    #: Counts per second of the beam monitor S3 ("mon") at nominal beam.
    monitor_rate: float = 1e4


#: The last stretch of a count is waited for by yielding to the loop, not by a timer: timers and
#: epoll count whole milliseconds, and a process that sleeps waits for a CPU again when it wakes.
SPIN_S = 0.002


async def _sleep_until(deadline: float) -> None:
    """Sleep until ``deadline`` (``time.monotonic()``) to within a few microseconds."""
    if deadline - time.monotonic() > SPIN_S:
        await asyncio.sleep(deadline - time.monotonic() - SPIN_S)
    while time.monotonic() < deadline:
        await asyncio.sleep(0)


class SimScaler:
    """S1 "clock" = FREQ*TP; S2 "det" = Poisson(peak(motor) * TP * beam); S3 "mon" = Poisson(rate * TP * beam).

    A put of CNT=1 zeroes the counts, waits TP seconds, posts S1..S3 and T, returns CNT to 0
    and only then completes. CNT=0 during counting stops early with the counts so far.
    """

    def __init__(self, name: str, peak: PeakConfig, position: Callable[[], float],
                 beam: Callable[[], float], rng: np.random.Generator) -> None:
        self.name = name
        self.peak = peak
        self._position = position
        self._beam = beam
        self._rng = rng
        self._task: asyncio.Task[None] | None = None
        self._start = 0.0

        self.cnt = Enum(value="Done", enum_strings=("Done", "Count"), action=self._on_cnt,
                        doc="1 counts for TP s; a put completes when counting ends")
        self.cont = Enum(value="OneShot", enum_strings=("OneShot", "AutoCount"), doc="count mode (OneShot)")
        self.tp = Double(value=1.0, precision=3, units="s", doc="preset time (s)")
        self.t = Double(value=0.0, precision=3, units="s", doc="elapsed time of the last count (s)")
        self.freq = Double(value=1e7, precision=0, units="Hz", doc="clock frequency (Hz)")
        names = {1: "clock", 2: "det", 3: "mon"}
        self.counts = [Integer(value=0, doc=f"counts of channel {i}") for i in range(1, N_CHANNELS + 1)]
        self.names = [String(value=names.get(i, ""), doc=f"name of channel {i}")
                      for i in range(1, N_CHANNELS + 1)]
        self.presets = [Integer(value=0, doc="preset (served only)") for _ in range(N_CHANNELS)]
        self.gates = [Enum(value="N", enum_strings=("N", "Y"), doc="gate (served only)")
                      for _ in range(N_CHANNELS)]
        self.extra = {
            "TP1": Double(value=1.0, precision=3, doc="auto-count time (served only)"),
            "RATE": Double(value=10.0, doc="display rate (served only)"),
            "RAT1": Double(value=10.0, doc="auto-count display rate (served only)"),
            "DLY": Double(value=0.0, doc="delay (served only)"),
            "DLY1": Double(value=0.0, doc="auto-count delay (served only)"),
            "EGU": String(value="s", doc="time units"),
        }

    def channels(self, prefix: str) -> dict[str, object]:
        base = f"{prefix}{self.name}"
        pvs: dict[str, object] = {
            base: self.cnt, f"{base}.CNT": self.cnt, f"{base}.CONT": self.cont, f"{base}.TP": self.tp,
            f"{base}.T": self.t, f"{base}.FREQ": self.freq,
        }
        for i in range(N_CHANNELS):
            pvs[f"{base}.S{i + 1}"] = self.counts[i]
            pvs[f"{base}.NM{i + 1}"] = self.names[i]
            pvs[f"{base}.PR{i + 1}"] = self.presets[i]
            pvs[f"{base}.G{i + 1}"] = self.gates[i]
        pvs.update({f"{base}.{field}": ch for field, ch in self.extra.items()})
        return pvs

    def peak_rate(self, position: float) -> float:
        """Counts per second of S2 at ``position``, at nominal beam, without noise."""
        p = self.peak
        return p.background + p.rate * math.exp(-4 * math.log(2) * ((position - p.centre) / p.fwhm) ** 2)

    async def _on_cnt(self, value: str) -> None:
        if value == "Count":
            if self._task is None:
                self._task = asyncio.create_task(self._count(self.tp.value))
            await self._task
        elif self._task is not None:
            self._task.cancel()

    async def _count(self, preset: float) -> None:
        self._start = time.monotonic()
        for ch in self.counts[:3]:
            await ch.set(0)
        try:
            await _sleep_until(self._start + preset)
            elapsed = preset
        except asyncio.CancelledError:
            elapsed = min(preset, time.monotonic() - self._start)
        finally:
            self._task = None
        beam = self._beam()
        await self.counts[0].set(int(round(self.freq.value * elapsed)))
        await self.counts[1].set(int(self._rng.poisson(self.peak_rate(self._position()) * elapsed * beam)))
        await self.counts[2].set(int(self._rng.poisson(self.peak.monitor_rate * elapsed * beam)))
        await self.t.set(elapsed)
        await self.cnt.set("Done")
