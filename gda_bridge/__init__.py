"""gda-bridge: GDA-compatible Python 3 scripting over a Java acquisition core."""

__version__ = "0.1.0"
