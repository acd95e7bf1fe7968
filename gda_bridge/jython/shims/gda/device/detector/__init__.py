"""gda.device.detector: DetectorBase and the old PseudoDetector name, as Python bases."""

from gda_bridge.devices import DetectorBase, PseudoDetector
from gda_bridge.jython.importer import java_fallback

__all__ = ["DetectorBase", "PseudoDetector"]
__getattr__ = java_fallback(__name__)
