"""Scan files for a session: numbering, the NeXus writer, the printed path, analysis results."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gda_bridge.analysis import ProcessResult
from gda_bridge.core.documents import Document, ScanStart
from gda_bridge.core.scan_numbers import ScanNumberSource
from gda_bridge.nexus import NexusWriter, write_process
from gda_bridge.scans.context import ScanContext

log = logging.getLogger("gda_bridge.session")


def data_dir_for(configured: Path | None) -> Path:
    """$GDA_BRIDGE_DATA_DIR if set (it overrides the configuration), else the configured folder,
    else ~/gda_data."""
    if os.environ.get("GDA_BRIDGE_DATA_DIR"):
        return Path(os.environ["GDA_BRIDGE_DATA_DIR"]).expanduser()
    return configured or Path("~/gda_data").expanduser()


class ScanFiles:
    """Every scan of the context writes ``<data_dir>/<beamline>-<n>.nxs``; its path is printed.
    While ``enabled`` is False (set between scans) scans write no file and take the process's own
    numbers, not the folder's: throw-away scans."""

    def __init__(self, ctx: ScanContext, data_dir: Path, beamline: str, **writer_options: Any) -> None:
        self.ctx = ctx
        self.numbers = ScanNumberSource(data_dir / ".scan_number")
        self.writer = NexusWriter(data_dir, beamline, scan_numbers=self.numbers, **writer_options)
        self.paths: dict[str, Path] = {}
        self._enabled = True
        self._saved_numbering = ctx.next_scan_number
        ctx.next_scan_number = self.numbers.next  # the server's worker recognises this as folder numbering
        # first: the file exists (or the scan fails) before the table starts printing
        self._unsubscribe = [
            ctx.stream.subscribe(self._announce, first=True),
            ctx.stream.subscribe(self._write, critical=True, first=True),
        ]

    @property
    def enabled(self) -> bool:
        return self._enabled

    @enabled.setter
    def enabled(self, on: bool) -> None:
        self._enabled = on
        self.ctx.next_scan_number = self.numbers.next if on else self._saved_numbering

    def _write(self, doc: Document) -> None:
        """The writer ignores the documents of a scan it did not start."""
        if self.enabled or not isinstance(doc, ScanStart):
            self.writer(doc)

    def _announce(self, doc: Document) -> None:
        if isinstance(doc, ScanStart) and self.enabled and self.writer.path is not None:
            self.paths[doc.uid] = self.ctx.scan_files[doc.uid] = self.writer.path
            result = self.ctx.last_result
            if result is not None and getattr(result, "uid", None) == doc.uid:
                result.file = str(self.writer.path)
                result.scan_number = self.writer.scan_number  # the file's, should they differ
            self.ctx.output(f"Writing data to file: {self.writer.path}")

    def path_of(self, start: ScanStart) -> Path | None:
        return self.paths.get(start.uid)

    def add_results(self, start: ScanStart, results: list[ProcessResult]) -> None:
        """Write processors' results as NXprocess groups into the scan's processing file (linked
        from the scan file as ``/entry1/processing``), whoever has the scan file open."""
        path = self.path_of(start)
        if path is None:
            return
        for r in results:
            write_process(path, r.processor, r.program, r.version, r.inputs, r.results, entry=self.writer.entry_name)

    def close(self) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self.writer.close()
        self.ctx.next_scan_number = self._saved_numbering


def snapshot_provider(devices: Callable[[], dict[str, Any]], position: Callable[[Any], Any]) -> Callable[[], dict[str, Any]]:
    """Metadata for every scan: the positions of chosen scannables before it starts."""

    def provide() -> dict[str, Any]:
        snapshot, units = {}, {}
        for name, device in devices().items():
            try:
                names = [*device.getInputNames(), *device.getExtraNames()] or [name]
                values = position(device)
                values = values if isinstance(values, list) else [values]
                snapshot[name] = dict(zip(names, values, strict=False))
                unit = device.getUserUnits() if hasattr(device, "getUserUnits") else None
                if unit:
                    units[name] = str(unit)
            except Exception as exc:
                log.warning("metadata scannable %s could not be read: %s", name, exc)
        return {"snapshot": snapshot, "snapshot_units": units}

    return provide
