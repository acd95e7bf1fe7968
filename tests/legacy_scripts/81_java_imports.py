# import forms of Java names, and GDA's Eclipse packages that gda-bridge does not have
import java.lang.Math
print java.lang.Math.sqrt(16), java.lang.Math.max(2, 9)
import gda.device.scannable.DummyScannable
d = gda.device.scannable.DummyScannable("d")
print d.getName()
import java.util.ArrayList as AL
print AL().size()
try:
    from uk.ac.diamond.scisoftpy.analysis import fitting
except ImportError, e:
    print e
from org.eclipse.january.dataset import DatasetFactory
print DatasetFactory.createRange(3).tolist()
try:
    from org.eclipse.january.io import LoaderFactory
except ImportError, e:
    print e
try:
    import uk.ac.gda.server.exafs.scan
except ImportError, e:
    print e
try:
    from org.eclipse.scanning.api.points import IPosition
except ImportError, e:
    print e
