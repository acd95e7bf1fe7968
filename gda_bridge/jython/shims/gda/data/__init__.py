"""gda.data: NumTracker (scan numbers), and the metadata and datawriter packages."""

from typing import Any

from gda_bridge.jython.importer import java_fallback
from gda_bridge.scans.context import context


class NumTracker:
    """GDA's scan-number tracker, read-only here: gda-bridge's session numbers its scans itself
    (``<data_dir>/.scan_number``), so a script can read the last number but not change it."""

    def __init__(self, name: str = "scanbase_numtrack", *args: Any) -> None:
        self.name = str(name)

    def getCurrentFileNumber(self) -> int:  # noqa: N802
        result = context().last_result
        if result is None or result.scan_number is None:
            raise RuntimeError("NumTracker.getCurrentFileNumber(): no scan has run in this session yet")
        return int(result.scan_number)

    def incrementNumber(self) -> int:  # noqa: N802
        raise NotImplementedError(
            "NumTracker.incrementNumber(): gda-bridge numbers scans itself when each starts; it cannot be "
            "advanced from a script"
        )

    def setFileNumber(self, number: int) -> None:  # noqa: N802
        self.incrementNumber()


__all__ = ["NumTracker"]
__getattr__ = java_fallback(__name__)
