# the standard GDA scan with a dummy motor and a counter
from gdascripts.pd.dummy_pds import DummyPD
from gda.device.detector import DetectorBase

class Counter(DetectorBase):
    def __init__(self, name, motor):
        self.setName(name)
        self.motor = motor
        self.count = 0
    def collectData(self):
        self.count = 100 + 10 * self.motor()
    def getStatus(self):
        return self.IDLE
    def readout(self):
        return self.count
    def createsOwnFiles(self):
        return False

m1 = DummyPD("m1")
ct = Counter("ct", m1)
scan m1 0 4 1 ct 0.1
print "collection time:", ct.getCollectionTime()
