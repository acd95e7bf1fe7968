"""Pure-Python vocabulary shared by every layer: errors, scan documents, the document stream."""

from gda_bridge.core.documents import (
    DeviceDescription,
    FieldDescription,
    ScanPoint,
    ScanStart,
    ScanStatus,
    ScanStop,
)
from gda_bridge.core.errors import (
    DeviceError,
    GdaBridgeError,
    LimitError,
    ScanAbortedError,
    ScanSyntaxError,
)
from gda_bridge.core.stream import DocumentStream

__all__ = [
    "DeviceDescription",
    "DeviceError",
    "DocumentStream",
    "FieldDescription",
    "GdaBridgeError",
    "LimitError",
    "ScanAbortedError",
    "ScanPoint",
    "ScanStart",
    "ScanStatus",
    "ScanStop",
    "ScanSyntaxError",
]
