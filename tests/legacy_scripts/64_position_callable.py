# A PositionCallableProvider: a scan reads it through the callable, not getPosition
from gda.device.scannable import ScannableMotionBase, PositionCallableProvider
from gdascripts.pd.dummy_pds import DummyPD

class Reading:
    def __init__(self, value):
        self.value = value
    def call(self):
        return self.value

class CountingDetector(ScannableMotionBase, PositionCallableProvider):
    def __init__(self, name):
        self.setName(name)
        self.setInputNames([])
        self.setExtraNames([name])
        self.setOutputFormat(["%4.1f"])
        self.count = 0
    def isBusy(self):
        return False
    def getPositionCallable(self):
        self.count += 1
        return Reading(10.0 * self.count)
    def rawGetPosition(self):
        return -1.0

cx = DummyPD("cx")
counts = CountingDetector("counts")
scan cx 0 2 1 counts
print "callables made:", counts.count
print "read directly:", counts.getPosition()
