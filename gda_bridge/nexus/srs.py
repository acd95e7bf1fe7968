"""GDA's SRS ``.dat`` text file: a ``&SRS ... &END`` header, a line of column names, then one
tab-separated row per point, each value in its field's output format."""

from __future__ import annotations

import datetime
import math
from pathlib import Path
from typing import Any

from gda_bridge.core.documents import ScanPoint, ScanStart
from gda_bridge.nexus.layout import Column


class SrsFile:
    """Rows are buffered and reach the file at each ``flush`` (the NeXus writer's flushes)."""

    def __init__(self, path: Path, start: ScanStart, scan_number: int, beamline: str, columns: list[Column]):
        self.path = path
        self._columns = [c for c in columns if not c.is_array]
        when = datetime.datetime.fromtimestamp(start.time)
        title = str(start.metadata.get("title") or start.command)
        experiment = str(start.metadata.get("experiment_identifier") or "")
        lines = [
            " &SRS",
            f" SRSRUN={scan_number},SRSDAT={when:%Y%m%d},SRSTIM={when:%H%M%S},",
            f" SRSSTN='{beamline[:8]:<8}',SRSPRJ='GDA     ',SRSEXP='{experiment[:8]:<8}',",
            f" SRSTLE='{_quote(title)[:60]:<60}',",
            " SRSCN1='        ',SRSCN2='        ',SRSCN3='        ',",
            f" cmd='{_quote(start.command)}'",
        ]
        for device, fields in (start.metadata.get("snapshot") or {}).items():
            if isinstance(fields, dict):
                lines += [f" {device}.{name}={value!r}" for name, value in fields.items()]
        lines += [" &END", "\t".join(c.key for c in self._columns)]
        self._file = open(path, "x", encoding="utf-8")  # noqa: SIM115 - closed in close()
        self._rows: list[str] = ["\n".join(lines)]

    def add(self, point: ScanPoint) -> None:
        data = point.data
        self._rows.append("\t".join(_format(c, data.get(c.key)) for c in self._columns))

    def flush(self) -> None:
        if self._rows:
            self._file.write("\n".join(self._rows) + "\n")
            self._rows.clear()
            self._file.flush()

    def close(self) -> None:
        self.flush()
        self._file.close()


def _quote(text: str) -> str:
    return text.replace("'", "''").replace("\n", " ")


def _format(col: Column, value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "NaN"
    if isinstance(value, str | bytes):
        return value.decode() if isinstance(value, bytes) else value
    try:
        return col.field.format % value
    except (TypeError, ValueError):
        return str(value)
