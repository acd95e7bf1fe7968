"""gda: GDA's Java packages as legacy scripts import them (shims where scripts subclass)."""

from gda_bridge.jython.importer import java_fallback

__getattr__ = java_fallback(__name__)
