"""EpicsMcs: an SIS3820-style multi-channel scaler (EPICS mca module), counting into bins."""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence

import numpy as np

from gda_bridge.core.errors import DeviceError
from gda_bridge.devices.waiting import wait_for

from ._pv_backend import CONNECTION_TIMEOUT, Channel, Completion, connect_all, done_completion, get_many

log = logging.getLogger("gda_bridge.epics")

#: Default seconds for a setting to take effect and for the acquisition to start.
SETTLE_TIMEOUT = 5.0


class EpicsMcs:
    """The multi-channel scaler at ``prefix`` (``"BL99:MCS:"``), reading inputs ``channels`` (mcaN).

    An acquisition is ``n_bins`` bins; with external channel advance each pulse on the advance
    input (from the position-compare box) closes the current bin and opens the next, and the
    first bin runs from the start to the first pulse. Use::

        mcs.configure(n_bins=21)          # external advance
        mcs.start()                       # EraseStart; returns once Acquiring says so
        ... the pulses ...
        mcs.wait_done(timeout)            # the put-callback of EraseStart: all bins closed
        counts = mcs.counts()             # {channel: counts per bin (numpy int array)}

    Every wait that runs out raises a one-line DeviceError naming the device and the PV.
    """

    def __init__(self, name: str, prefix: str, *, channels: Sequence[int] = (1, 2, 3),
                 connection_timeout: float = CONNECTION_TIMEOUT, settle_timeout: float = SETTLE_TIMEOUT) -> None:
        self.name = name
        self.prefix = prefix
        self.channels = tuple(channels)
        self.settle_timeout = settle_timeout
        self._acquiring_event = threading.Event()

        def ch(suffix: str, **kw: object) -> Channel:
            return Channel(f"{prefix}{suffix}", name, **kw)  # type: ignore[arg-type]

        self._settings = {n: ch(n) for n in ("NuseAll", "ChannelAdvance", "Dwell", "Prescale", "EraseStart",
                                             "StopAll", "MaxChannels", "CurrentChannel")}
        self._acquiring = ch("Acquiring", monitor=True, on_value=self._on_acquiring)
        self._counts = {i: ch(f"mca{i}") for i in self.channels}
        self._nord = {i: ch(f"mca{i}.NORD") for i in self.channels}
        self._all = [*self._settings.values(), self._acquiring, *self._counts.values(), *self._nord.values()]
        connect_all(self._all, connection_timeout, f"EpicsMcs {name}")
        self._run: Completion = done_completion(f"{name}: acquisition")
        self._n_bins = 0

    def _on_acquiring(self, value: object) -> None:
        if value:
            self._acquiring_event.set()

    def _put(self, suffix: str, value: float) -> None:
        self._settings[suffix].put_complete(value, f"{self.name}: set {self.prefix}{suffix} to {value:g}").wait(
            self.settle_timeout)

    def configure(self, n_bins: int, *, external: bool = True, dwell: float | None = None,
                  prescale: int = 1) -> None:
        """``n_bins`` bins, advanced by external pulses (every ``prescale``-th) or, with
        ``external=False``, every ``dwell`` seconds."""
        most = int(self._settings["MaxChannels"].get())
        if not 1 <= n_bins <= most:
            raise DeviceError(f"{self.name}: {n_bins} bins is not within 1..{most} ({self.prefix}MaxChannels)")
        if not external and (dwell is None or dwell <= 0):
            raise DeviceError(f"{self.name}: internal channel advance needs a dwell time > 0, not {dwell}")
        self._put("NuseAll", n_bins)
        self._put("ChannelAdvance", 1 if external else 0)
        self._put("Prescale", prescale)
        if dwell is not None:
            self._put("Dwell", dwell)
        self._n_bins = n_bins

    @property
    def acquiring(self) -> bool:
        return not self._run.done()

    def start(self, timeout: float | None = None) -> None:
        """Erase and start (EraseStart); return once Acquiring says the MCS counts. The put-callback
        of EraseStart completes at the end of the acquisition: :meth:`wait_done` waits for it."""
        if not self._run.done():
            raise DeviceError(f"{self.name}: already acquiring ({self.prefix}EraseStart not complete)")
        self._acquiring_event.clear()
        self._run = self._settings["EraseStart"].put_complete(
            1, f"{self.name}: acquisition of {self._n_bins or '?'} bins ({self.prefix}EraseStart)")
        timeout = self.settle_timeout if timeout is None else timeout
        if not wait_for(self._acquiring_event, timeout) and not self._run.done():
            raise DeviceError(f"{self.name}: not acquiring within {timeout:g} s of EraseStart "
                              f"({self.prefix}Acquiring is Done)")

    def wait_done(self, timeout: float) -> None:
        """Wait until the acquisition has ended (every bin closed, or a stop)."""
        try:
            self._run.wait(timeout)
        except DeviceError:
            if self._run.done():
                raise
            closed = self.current_bin()
            raise DeviceError(f"{self.name}: acquisition not complete within {timeout:g} s, {closed} of "
                              f"{self._n_bins} bins closed ({self.prefix}EraseStart still busy)") from None

    def current_bin(self) -> int:
        """Bins closed so far (CurrentChannel)."""
        return int(self._settings["CurrentChannel"].get())

    def counts(self) -> dict[int, np.ndarray]:
        """Counts per bin of each channel read ({channel: int array of NORD bins})."""
        lengths = [int(v) for v in get_many(list(self._nord.values()))]
        values = get_many(list(self._counts.values()))
        return {i: np.asarray(v, dtype=np.int64)[:n] for i, v, n in zip(self.channels, values, lengths, strict=True)}

    def stop(self) -> None:
        """End the acquisition now (StopAll); the bins closed so far stay readable."""
        if self._settings["StopAll"].connected:
            self._settings["StopAll"].put(1)
        else:
            log.warning("%s: cannot stop, %sStopAll is not connected", self.name, self.prefix)

    def close(self) -> None:
        for channel in self._all:
            channel.disconnect()
