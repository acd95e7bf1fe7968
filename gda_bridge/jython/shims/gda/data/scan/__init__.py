"""gda.data.scan: the datawriter package (gda-bridge's session writes the scan files itself)."""

from gda_bridge.jython.importer import java_fallback

__getattr__ = java_fallback(__name__)
