# a toString() override is what print and str show, as in GDA
from gda.device.scannable import ScannableMotionBase

class Slit(ScannableMotionBase):
    def __init__(self, name):
        self.setName(name)
        self.setInputNames([name])
        self.setOutputFormat(["%4.2f"])
        self.gap = 1.5
    def isBusy(self):
        return False
    def rawGetPosition(self):
        return self.gap
    def rawAsynchronousMoveTo(self, position):
        self.gap = float(position)
    def toString(self):
        return "%s gap is %.2f mm" % (self.getName(), self.gap)

class PlainSlit(Slit):
    toString = None

s1 = Slit("s1")
print s1
print str(s1), "|", repr(s1), "|", s1.toString()
pos s1 2.5
print "%s" % s1
print PlainSlit("s2")
