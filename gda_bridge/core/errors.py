"""One error root for the package; subclasses also inherit the matching builtin."""


class GdaBridgeError(Exception):
    """Root of every error gda-bridge raises on purpose."""


class DeviceError(GdaBridgeError, RuntimeError):
    """A device refused or failed an operation (GDA's DeviceException)."""


class LimitError(DeviceError, ValueError):
    """A position outside a device's limits; raised before anything moves."""

    def __init__(self, device: str, position: object, lower: object, upper: object) -> None:
        self.device = device
        self.position = position
        self.lower = lower
        self.upper = upper
        super().__init__(
            f"{device}: position {position} is outside the limits ({lower}:{upper})"
        )


class ScanSyntaxError(GdaBridgeError, ValueError):
    """The arguments of a scan command do not follow the ConcurrentScan grammar."""


class ScanAbortedError(GdaBridgeError):
    """A scan ended on request (GDA's ScanInterruptedException: "Scan aborted on request.")."""
