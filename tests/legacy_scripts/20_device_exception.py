# DeviceException: refused moves from Python and Java devices
from gda.device import DeviceException
from gda.device.scannable import DummyScannable
from gdascripts.pd.dummy_pds import DummyPD
import java

slit = DummyPD("slit")
slit.setUpperGdaLimits(2.0)
try:
    pos slit 3
except DeviceException, e:
    print "refused:", e
print "slit stays at", slit()

jd = DummyScannable("jd", 0.0)
jd.setUpperGdaLimits(java.lang.Double(1.0))
try:
    pos jd 5
except DeviceException, e:
    print "Java device refused:", e
try:
    jd.moveTo(5.0)
except java.lang.Exception, e:
    print "a direct Java call raises the Java class:", e.getMessage()

class Shutter(DummyPD):
    def rawAsynchronousMoveTo(self, p):
        raise DeviceException("shutter interlock is not ready")
shutter = Shutter("shutter")
try:
    shutter(1)
except DeviceException, e:
    print "raised by a script device:", e
