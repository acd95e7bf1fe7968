"""The scan files behind finished items, for download from the web page: found by scan number in
the data folder and never outside it."""

from __future__ import annotations

import logging
from pathlib import Path

log = logging.getLogger("gda_bridge.server")


class ScanFolder:
    """The data folder the scans write ``<beamline>-<n>.nxs`` into."""

    def __init__(self, path: Path, beamline: str) -> None:
        self.path = path
        self.beamline = beamline

    def file_of(self, scan_number: int) -> Path | None:
        """Scan ``scan_number``'s file, or None if it is not there (or would lie outside the folder,
        e.g. through a symbolic link)."""
        root = self.path.resolve()
        candidate = root / f"{self.beamline}-{int(scan_number)}.nxs"
        if not candidate.is_file():
            return None
        resolved = candidate.resolve()
        if resolved.parent != root:
            log.warning("scan file %s resolves to %s, outside the data folder: not served", candidate, resolved)
            return None
        return resolved
