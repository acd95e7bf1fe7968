# except ScanInterruptedException / java.lang.InterruptedException around an aborted scan
from gda.scan import ScanInterruptedException
from gda.device.detector import DetectorBase
from gdascripts.pd.dummy_pds import DummyPD
import java

class BeamMonitor(DetectorBase):
    """Aborts the scan when the beam is lost (at the third point)"""
    def __init__(self, name):
        self.name = name
        self.n = 0
    def collectData(self):
        self.n += 1
        if self.n == 3:
            print "beam lost: aborting the scan"
            abort()
    def readout(self):
        return self.n
    def getStatus(self):
        return 0

x = DummyPD("x")
bm = BeamMonitor("bm")
try:
    scan x 0 5 1 bm
    print "not reached"
except ScanInterruptedException, e:
    print "caught ScanInterruptedException:", e

bm.n = 0
try:
    scan x 0 5 1 bm
except java.lang.InterruptedException, e:
    print "caught java.lang.InterruptedException too"

from java.lang import InterruptedException
bm.n = 0
try:
    scan x 0 5 1 bm
except InterruptedException:
    print "and the imported name catches it"
print "script continues"
