# A ScannableMotionBase subclass with bean-property assignments, limits and Jython manners
from gda.device.scannable import ScannableMotionBase

class SampleTable(ScannableMotionBase):
    def __init__(self, name):
        self.name = name
        self.inputNames = [name]
        self.extraNames = []
        self.outputFormat = ['%6.3f']
        self.level = 4
        self._pos = 0.0
    def isBusy(self):
        return 0
    def rawGetPosition(self):
        return self._pos
    def rawAsynchronousMoveTo(self, new_position):
        self._pos = float(new_position)

st = SampleTable("st")
print st.getName(), st.name, st.getLevel(), st.getInputNames()
st.setLowerGdaLimits(-5)
st.setUpperGdaLimits(5)
print st(3)
print st()
print len(st), st[0]
print repr(st)
st.setName("table")
print st.name, st
print st.checkPositionValid(10)
