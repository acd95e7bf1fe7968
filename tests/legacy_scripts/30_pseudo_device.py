# pre-2020 scripts subclass PseudoDevice / PseudoDetector and use rawIsBusy
from gda.device.scannable import PseudoDevice
from gda.device.detector import PseudoDetector

class OldMotor(PseudoDevice):
    def __init__(self, name):
        self.setName(name)
        self.setInputNames([name])
        self.setOutputFormat(["%4.2f"])
        self.v = 0
    def rawIsBusy(self):
        return 0
    def rawGetPosition(self):
        return self.v
    def rawAsynchronousMoveTo(self, v):
        self.v = v

class OldCounter(PseudoDetector):
    def __init__(self, name):
        self.setName(name)
    def collectData(self):
        pass
    def getStatus(self):
        return 0
    def readout(self):
        return 5

om = OldMotor("om")
oc = OldCounter("oc")
scan om 1 3 1 oc
print om, oc
