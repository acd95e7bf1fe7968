"""gda.device.scannable.scannablegroup: ScannableGroup (GDA's package for it), the Python base."""

from gda_bridge.devices import ScannableGroup
from gda_bridge.jython.importer import java_fallback

__all__ = ["ScannableGroup"]
__getattr__ = java_fallback(__name__)
