# A position that is not a number is accepted without limits and refused (by name) with them,
# for a Python scannable and for a Java one
from gda.device.scannable import ScannableMotionBase, DummyScannable
from gda.device import DeviceException

class Valve(ScannableMotionBase):
    def __init__(self, name):
        self.setName(name)
        self.setInputNames([name])
        self.setOutputFormat(["%s"])
        self.state = "shut"
    def isBusy(self):
        return False
    def rawGetPosition(self):
        return self.state
    def rawAsynchronousMoveTo(self, position):
        self.state = position

valve = Valve("valve")
pos valve "open"
print valve.checkPositionValid("open")
valve.setUpperGdaLimits(10)
try:
    pos valve "shut"
except DeviceException, e:
    print "refused:", e
print "still", valve()

jv = DummyScannable("jv", 0.0)
print jv.checkPositionValid("open")
jv.setUpperGdaLimits(10.0)
print jv.checkPositionValid("open")
