"""The session every user path shares (``gda-bridge run``, the console, the server's worker, plain
scripts and notebooks): it wires the scan context, the scan files and their numbering, post-scan
analysis and ``go``. ``gda_bridge.Session`` is this package's Session."""

from gda_bridge.session._session import Session, attach_default_session, current, demo_devices

__all__ = ["Session", "attach_default_session", "current", "demo_devices"]
