# DottedAccessScannableMotionBase: each field is a scannable of its own
from gda.device.scannable import DottedAccessScannableMotionBase
from gda.device import DeviceException

class Stage(DottedAccessScannableMotionBase):
    def __init__(self, name):
        self.setName(name)
        self.setInputNames(["sx", "sy"])
        self.setExtraNames(["temp"])
        self.setOutputFormat(["%5.2f"] * 3)
        self.here = [0.0, 0.0]
    def isBusy(self):
        return False
    def rawAsynchronousMoveTo(self, position):
        self.here = [float(p) for p in position]
    def rawGetPosition(self):
        return self.here + [21.5]

stage = Stage("stage")
pos stage [1, 2]
print stage.sx.getPosition(), stage.temp.getPosition()
stage.sy.moveTo(5)
print stage.getPosition()
pos stage.sx 3
print stage()
try:
    stage.temp.moveTo(30)
except DeviceException, e:
    print "refused:", e
try:
    stage.nothing
except AttributeError, e:
    print "no field:", e
