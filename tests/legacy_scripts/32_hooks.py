# the scan hooks of a scripted scannable, in GDA's order
from gda.device.scannable import ScannableMotionBase

class Noisy(ScannableMotionBase):
    def __init__(self, name):
        self.setName(name)
        self.setInputNames([name])
        self.v = 0
    def isBusy(self):
        return 0
    def rawGetPosition(self):
        return self.v
    def rawAsynchronousMoveTo(self, v):
        self.v = v
    def atScanStart(self):
        print "atScanStart"
    def atPointStart(self):
        print "atPointStart"
    def atPointEnd(self):
        print "atPointEnd"
    def atScanEnd(self):
        print "atScanEnd"

n = Noisy("n")
scan n 0 1 1
