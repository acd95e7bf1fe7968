"""A simulated scaler record: CNT=1 counts for TP seconds; one channel sees a peak of a motor."""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ._fields import Field, Pending, double, enum, integer, string
from ._scheduler import Scheduler, Timer

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


class SimScaler:
    """S1 "clock" = FREQ*TP; S2 "det" = Poisson(peak(motor) * TP * beam); S3 "mon" = Poisson(rate * TP * beam).

    A put of CNT=1 zeroes the counts, waits TP seconds, posts S1..S3 and T, returns CNT to 0
    and only then completes. CNT=0 during counting stops early with the counts so far.
    """

    def __init__(self, name: str, peak: PeakConfig, position: Callable[[], float],
                 beam: Callable[[], float], rng: np.random.Generator, scheduler: Scheduler) -> None:
        self.name = name
        self.peak = peak
        self._position = position
        self._beam = beam
        self._rng = rng
        self._scheduler = scheduler
        self._end: Timer | None = None
        self._counting: Pending | None = None
        self._start = 0.0

        self.cnt = enum("Done", ("Done", "Count"), "1 counts for TP s; a put completes when counting ends",
                        action=self._on_cnt)
        self.cont = enum("OneShot", ("OneShot", "AutoCount"), "count mode (OneShot)")
        self.tp = double(1.0, "preset time (s)", precision=3, units="s")
        self.t = double(0.0, "elapsed time of the last count (s)", precision=3, units="s")
        self.freq = double(1e7, "clock frequency (Hz)", units="Hz")
        names = {1: "clock", 2: "det", 3: "mon"}
        self.counts = [integer(0, f"counts of channel {i}") for i in range(1, N_CHANNELS + 1)]
        self.names = [string(names.get(i, ""), f"name of channel {i}") for i in range(1, N_CHANNELS + 1)]
        self.presets = [integer(0, "preset (served only)") for _ in range(N_CHANNELS)]
        self.gates = [enum("N", ("N", "Y"), "gate (served only)") for _ in range(N_CHANNELS)]
        self.extra = {
            "TP1": double(1.0, "auto-count time (served only)", precision=3),
            "RATE": double(10.0, "display rate (served only)"),
            "RAT1": double(10.0, "auto-count display rate (served only)"),
            "DLY": double(0.0, "delay (served only)"),
            "DLY1": double(0.0, "auto-count delay (served only)"),
            "EGU": string("s", "time units"),
        }

    def fields(self, prefix: str) -> dict[str, Field]:
        base = f"{prefix}{self.name}"
        pvs: dict[str, Field] = {
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

    def peak_rates(self, positions: np.ndarray) -> np.ndarray:
        """:meth:`peak_rate` at each of ``positions``."""
        p = self.peak
        return p.background + p.rate * np.exp(-4 * math.log(2) * ((np.asarray(positions) - p.centre) / p.fwhm) ** 2)

    def _on_cnt(self, value: str) -> Pending | None:
        if value == "Count":
            if self._counting is None:
                self._start_count(self.tp.value)
            return self._counting
        if self._counting is not None:
            self._end_count(min(self.tp.value, self._scheduler.now() - self._start))
        return None

    def _start_count(self, preset: float) -> None:
        self._counting = Pending()
        self._start = self._scheduler.now()
        for ch in self.counts[:3]:
            ch.set(0)
        self._end = self._scheduler.call_at(self._start + preset, lambda: self._end_count(preset))

    def _end_count(self, elapsed: float) -> None:
        end, self._end = self._end, None
        if end is not None:
            end.cancel()
        beam = self._beam()
        self.counts[0].set(int(round(self.freq.value * elapsed)))
        self.counts[1].set(int(self._rng.poisson(self.peak_rate(self._position()) * elapsed * beam)))
        self.counts[2].set(int(self._rng.poisson(self.peak.monitor_rate * elapsed * beam)))
        self.t.set(elapsed)
        self.cnt.set("Done")
        counting, self._counting = self._counting, None
        if counting is not None:
            counting.fire()
