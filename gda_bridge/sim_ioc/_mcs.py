"""A simulated multi-channel scaler, named as the EPICS mca module's SIS38XX support names it.

``EraseStart`` (or ``StartAll``, which keeps the counts) starts an acquisition of ``NuseAll``
bins; its put-callback completes when the acquisition ends, as the real one's does (the put
reaches the ``Acquiring`` busy record, which the driver clears at the end). A bin closes every
``Dwell`` seconds (``ChannelAdvance`` Internal) or at every ``Prescale``-th pulse on the channel
advance input (External; the trigger box drives it): the first bin runs from the start to the
first pulse. Channel 1 counts the clock (``McsConfig.clock_hz``), channel 2 the peak of the
scaler's "det" channel integrated over the motor's exact motion during the bin (Poisson noise),
channel 3 the beam monitor, any further channel nothing. ``mcaN`` holds the counts per bin,
posted when the acquisition ends; NORD is the number of bins.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ._fields import Field, Pending, double, enum, integer, short, waveform
from ._scheduler import Scheduler, Timer

log = logging.getLogger("gda_bridge.sim_ioc.mcs")

#: Samples of the motor position per bin for the integral of the peak's rate.
SAMPLES_PER_BIN = 32


@dataclass
class McsConfig:
    channels: int = 4
    #: MaxChannels: the most bins per acquisition (room for a 20,000-point line and its run-up bin).
    max_bins: int = 20001
    #: Channel 1's internal reference clock (the SIS3820's is 50 MHz).
    clock_hz: float = 50e6


class SimMcs:
    """An SIS3820 in MCS mode, served as ``{prefix}EraseStart`` ... and ``{prefix}mca1`` ..."""

    def __init__(self, config: McsConfig, rate: Callable[[np.ndarray], np.ndarray],
                 positions_at: Callable[[np.ndarray], np.ndarray],
                 monitor_rate: float, beam: Callable[[], float], rng: np.random.Generator,
                 scheduler: Scheduler) -> None:
        self.config = c = config
        self._rate = rate
        self._positions_at = positions_at
        self._monitor_rate = monitor_rate
        self._beam = beam
        self._rng = rng
        self._scheduler = scheduler
        self._acquiring: Pending | None = None
        self._timer: Timer | None = None
        self._opened = 0.0
        self._started = 0.0
        self._pulses = 0
        self._counts = np.zeros((c.channels, c.max_bins), dtype=np.int32)

        self.settings: dict[str, Field] = {
            "EraseAll": short(0, "1 zeroes every bin", action=self._on_erase),
            "EraseStart": short(0, "1 zeroes and starts; a put completes when the acquisition ends",
                                action=lambda v: self._start(erase=True) if v else None),
            "StartAll": short(0, "1 starts without erasing; a put completes when the acquisition ends",
                              action=lambda v: self._start(erase=False) if v else None),
            "StopAll": short(0, "1 ends the acquisition with the bins closed so far", action=self._on_stop),
            "Acquiring": enum("Done", ("Done", "Acquiring"), "Acquiring from the start to the last bin"),
            "HardwareAcquiring": enum("Done", ("Done", "Acquiring"), "as Acquiring"),
            "NuseAll": integer(c.max_bins, "bins to acquire (at most MaxChannels)",
                               check=lambda v: 1 <= v <= c.max_bins, action=self._on_nuse),
            "MaxChannels": integer(c.max_bins, "most bins per acquisition"),
            "CurrentChannel": integer(0, "bins closed so far"),
            "Dwell": double(0.1, "bin time with internal channel advance (s)", precision=4, units="s",
                            check=lambda v: v > 0),
            "ChannelAdvance": enum("Internal", ("Internal", "External"), "Internal: a bin every Dwell s; "
                                   "External: a bin per Prescale pulses of the trigger box"),
            "Prescale": integer(1, "external pulses per bin", check=lambda v: v >= 1),
            "SoftwareChannelAdvance": short(0, "1 closes the current bin now", action=self._on_soft_advance),
            "InitialChannelAdvance": enum("No", ("No", "Yes"), "served only"),
            "Channel1Source": enum("Int. clock", ("Int. clock", "External"), "channel 1 counts the clock "
                                   "(served only)"),
            "PresetReal": double(0.0, "preset real time (served only)", precision=3),
            "ElapsedReal": double(0.0, "time since the start of the acquisition (s)", precision=3, units="s"),
            "Model": enum("SIS3820", ("SIS3801", "SIS3820"), "model"),
            "Firmware": integer(0x0113, "firmware (simulated)"),
        }
        self.acquiring_field = self.settings["Acquiring"]
        self.current = self.settings["CurrentChannel"]
        self.mca: list[dict[str, Field]] = []
        for i in range(1, c.channels + 1):
            what = {1: "the clock", 2: "the det peak", 3: "the monitor"}.get(i, "nothing")
            self.mca.append({
                "VAL": waveform("int", c.max_bins, f"counts per bin of input {i} ({what})"),
                "NUSE": integer(c.max_bins, "bins in use (follows NuseAll)"),
                "NORD": integer(0, "bins read"),
                "NMAX": integer(c.max_bins, "most bins"),
            })

    def fields(self, prefix: str) -> dict[str, Field]:
        pvs = {f"{prefix}{name}": f for name, f in self.settings.items()}
        for i, record in enumerate(self.mca, 1):
            pvs[f"{prefix}mca{i}"] = record["VAL"]
            pvs.update({f"{prefix}mca{i}.{name}": f for name, f in record.items()})
        return pvs

    @property
    def acquiring(self) -> bool:
        return self._acquiring is not None

    def _on_nuse(self, value: int) -> None:
        for record in self.mca:
            record["NUSE"].set(value)

    def _on_erase(self, value: int) -> None:
        if value:
            self._erase()
            self._post()

    def _erase(self) -> None:
        self._counts[:] = 0
        self.current.set(0)

    def _start(self, erase: bool) -> Pending:
        if self._acquiring is not None:
            return self._acquiring
        if erase:
            self._erase()
        self._acquiring = Pending()
        self._started = self._opened = self._scheduler.now()
        self._pulses = 0
        for name in ("Acquiring", "HardwareAcquiring"):
            self.settings[name].set("Acquiring")
        if self.current.value >= self.settings["NuseAll"].value:
            self._finish()
        elif self.settings["ChannelAdvance"].value == "Internal":
            self._schedule_dwell()
        log.info("mcs: started, %d bins, %s advance", self.settings["NuseAll"].value,
                 self.settings["ChannelAdvance"].value)
        return self._acquiring

    def _schedule_dwell(self) -> None:
        when = self._opened + self.settings["Dwell"].value

        def close() -> None:
            self._timer = None
            self._advance(when)
            if self._acquiring is not None:
                self._schedule_dwell()

        self._timer = self._scheduler.call_at(when, close)

    def external_pulse(self, when: float) -> bool:
        """A pulse of time ``when`` on the channel advance input; True if it was counted."""
        return self.external_pulses(np.array([when])) == 1

    def external_pulses(self, when: np.ndarray) -> int:
        """Pulses at times ``when`` (in order) on the channel advance input, in one batch: the bins
        they close are integrated together. Returns how many were counted (none once the last
        bin has closed)."""
        if self._acquiring is None or self.settings["ChannelAdvance"].value != "External" or not len(when):
            return 0
        numbers = self._pulses + 1 + np.arange(len(when))
        closing = np.flatnonzero(numbers % self.settings["Prescale"].value == 0)
        left = max(0, self.settings["NuseAll"].value - self.current.value)
        counted = len(when)
        if len(closing) >= left:  # the last bin closes in this batch: later pulses are not counted
            closing = closing[:left]
            counted = int(closing[-1]) + 1 if left else 0
        self._pulses += counted
        if len(closing):
            self._close_bins(np.asarray(when, dtype=float)[closing])
        return counted

    def _on_soft_advance(self, value: int) -> None:
        if value and self._acquiring is not None:
            self._advance(self._scheduler.now())

    def _advance(self, when: float) -> None:
        """Close the current bin at ``when`` and open the next; the last one ends the acquisition."""
        self._close_bins(np.array([when]))

    def _close_bins(self, ends: np.ndarray) -> None:
        """Close the current bin at ``ends[0]``, the next ones at the following ends (no more than
        the bins left); the last bin ends the acquisition. CurrentChannel is posted once."""
        first = self.current.value
        ends = ends[: max(0, self.settings["NuseAll"].value - first)]
        if not len(ends):
            return
        starts = np.concatenate(([self._opened], ends[:-1]))
        self._opened = float(ends[-1])
        dt = np.maximum(0.0, ends - starts)
        bins = slice(first, first + len(ends))
        beam = self._beam()
        self._counts[0, bins] = np.round(self.config.clock_hz * dt)
        if self.config.channels > 1:
            # the mean rate over the bin from SAMPLES_PER_BIN midpoints of the motor's exact motion
            times = starts[:, None] + (np.arange(SAMPLES_PER_BIN) + 0.5)[None, :] * (dt / SAMPLES_PER_BIN)[:, None]
            rates = self._rate(self._positions_at(times.ravel())).reshape(times.shape)
            self._counts[1, bins] = self._rng.poisson(rates.mean(axis=1) * dt * beam)
        if self.config.channels > 2:
            self._counts[2, bins] = self._rng.poisson(self._monitor_rate * dt * beam)
        self.current.set(first + len(ends))
        if self.current.value >= self.settings["NuseAll"].value:
            self._finish()

    def _on_stop(self, value: int) -> None:
        if value and self._acquiring is not None:
            self._finish()

    def _finish(self) -> None:
        timer, self._timer = self._timer, None
        if timer is not None:
            timer.cancel()
        self.settings["ElapsedReal"].set(self._scheduler.now() - self._started)
        self._post()
        for name in ("Acquiring", "HardwareAcquiring"):
            self.settings[name].set("Done")
        acquiring, self._acquiring = self._acquiring, None
        log.info("mcs: done, %d bins", self.current.value)
        if acquiring is not None:
            acquiring.fire()

    def _post(self) -> None:
        for i, record in enumerate(self.mca):
            record["VAL"].set(self._counts[i].copy())
            record["NORD"].set(self.current.value)
