"""EpicsScaler: a scaler record as a GDA detector; its named channels are the extra names."""

from __future__ import annotations

import logging

from gda_bridge.core.errors import DeviceError
from gda_bridge.devices import DetectorBase

from ._pv_backend import (
    CONNECTION_TIMEOUT,
    Channel,
    Completion,
    Reads,
    connect_all,
    done_completion,
    get_many,
)

log = logging.getLogger("gda_bridge.epics")

#: Seconds allowed beyond the preset time for a count to complete.
SETTLE_TIMEOUT = 5.0


class EpicsScaler(DetectorBase):
    """A scaler record ``pv`` (``BL99:scaler1``): collection time = TP, completion = put-callback on CNT.

    ``channels`` picks the channels read out, by NMn name or 1-based number; by default every
    channel among the first ``n_channels`` that has a name. ``readout`` returns a float for one
    channel, else a list of floats in the order of ``extraNames``. The counts are requested as
    soon as ``waitWhileBusy`` sees the count end, so in a scan they travel while the engine
    reads the motors; ``readout`` collects them.
    """

    def __init__(self, name: str, pv: str, *, channels: list[str | int] | None = None,
                 n_channels: int = 8, connection_timeout: float = CONNECTION_TIMEOUT,
                 settle_timeout: float = SETTLE_TIMEOUT) -> None:
        super().__init__(name)
        self.inputNames = []
        self.pv = pv
        self.settle_timeout = settle_timeout
        self._cnt = Channel(f"{pv}.CNT", name)
        # Monitored: the preset is what the IOC holds, also after it restarted (TP back to its default).
        self._tp = Channel(f"{pv}.TP", name, monitor=True, on_value=self._preset_changed)
        names = [Channel(f"{pv}.NM{i}", name) for i in range(1, n_channels + 1)]
        connect_all([self._cnt, self._tp, *names], connection_timeout, f"EpicsScaler {name}")
        labels = [str(v).strip() for v in get_many(names)]
        for ch in names:
            ch.disconnect()
        numbers = self._select(labels, channels)
        self.extraNames = [labels[i - 1] or f"S{i}" for i in numbers]
        self.outputFormat = ["%.0f"] * len(numbers)
        self._counts = [Channel(f"{pv}.S{i}", name) for i in numbers]
        connect_all(self._counts, connection_timeout, f"EpicsScaler {name}")
        self._preset = float(self._tp.get())
        super().setCollectionTime(self._preset)
        self._count: Completion = done_completion(f"{name}: count")
        #: Reads of the counts, sent when the last count ended; taken by the next readout.
        self._counts_read: Reads | None = None

    def _preset_changed(self, value: object) -> None:
        self._preset = float(value)  # type: ignore[arg-type]

    def _select(self, labels: list[str], wanted: list[str | int] | None) -> list[int]:
        if wanted is None:
            numbers = [i for i, label in enumerate(labels, 1) if label]
            if not numbers:
                raise DeviceError(f"{self.name}: no named channels among NM1..NM{len(labels)}; pass channels=")
            return numbers
        numbers = []
        for item in wanted:
            if isinstance(item, int):
                if not 1 <= item <= len(labels):
                    raise DeviceError(f"{self.name}: channel {item} is not in 1..{len(labels)}")
                numbers.append(item)
            elif item in labels:
                numbers.append(labels.index(item) + 1)
            else:
                raise DeviceError(f"{self.name}: no channel named {item!r} (names: {[x for x in labels if x]})")
        return numbers

    def collectData(self) -> None:
        preset = float(self.getCollectionTime())
        if preset != self._preset:
            self._tp.put_complete(preset, f"{self.name}: set TP to {preset:g}").wait(self.settle_timeout)
            self._preset = preset
        self._counts_read = None
        self._count = self._cnt.put_complete(1, f"{self.name}: count for {preset:g} s")

    def getStatus(self) -> int:
        if not self._count.done():
            return self.BUSY
        return self.FAULT if self._count.failed else self.IDLE

    def waitWhileBusy(self, timeout: float | None = None) -> None:
        count = self._count
        count.wait(self._preset * 1.5 + self.settle_timeout if timeout is None else timeout)
        if self._counts_read is None and count is self._count:
            # The record posts the counts before it completes the put: they are final now.
            self._counts_read = Reads(self._counts)

    def readout(self) -> float | list[float]:
        reads, self._counts_read = self._counts_read, None
        values = [float(v) for v in (reads.results() if reads is not None else get_many(self._counts))]
        return values[0] if len(values) == 1 else values

    def getDataDimensions(self) -> tuple[int, ...]:
        return (len(self._counts),)

    def stop(self) -> None:
        if self._cnt.connected:
            self._cnt.put(0)
        else:
            log.warning("%s: cannot stop, %s is not connected", self.name, self._cnt.pvname)

    def close(self) -> None:
        for ch in (self._cnt, self._tp, *self._counts):
            ch.disconnect()
