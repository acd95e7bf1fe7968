# an error in the user's code: the traceback shows only the user's frames
from gdascripts.pd.dummy_pds import DummyPD
from gda.device.detector import DetectorBase

class Ratio(DetectorBase):
    def __init__(self, name):
        self.name = name
    def collectData(self):
        pass
    def getStatus(self):
        return 0
    def readout(self):
        return 1.0 / 0

r = DummyPD("r")
print "scanning"
scan r 0 1 1 Ratio("ratio")
