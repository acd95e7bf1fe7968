# A DetectorBase subclass: collectData / getStatus / readout, collection time, staticscan
from gda.device.detector import DetectorBase
from gda.device import Detector

class Diode(DetectorBase):
    def __init__(self, name):
        self.name = name
        self.inputNames = []
        self.extraNames = ['current', 'gain']
        self.outputFormat = ['%.3e', '%d']
        self.level = 100
        self.n = 0
    def collectData(self):
        self.n += 1
    def getStatus(self):
        return Detector.IDLE
    def readout(self):
        return [1.5e-9 * self.n, 1000]
    def createsOwnFiles(self):
        return 0

d1 = Diode("d1")
d1.setCollectionTime(0.5)
print d1.getCollectionTime(), d1.getStatus() == Detector.IDLE
print d1
staticscan d1
staticscan d1
print "collections:", d1.n
