# a scannable with two inputs and an extra field, moved with lists
from gda.device.scannable import ScannableMotionBase

class XY(ScannableMotionBase):
    def __init__(self, name):
        self.setName(name)
        self.setInputNames(["px", "py"])
        self.setExtraNames(["r2"])
        self.setOutputFormat(["%4.1f", "%4.1f", "%5.2f"])
        self.p = [0.0, 0.0]
    def isBusy(self):
        return False
    def rawGetPosition(self):
        return [self.p[0], self.p[1], self.p[0] ** 2 + self.p[1] ** 2]
    def rawAsynchronousMoveTo(self, new):
        self.p = [float(new[0]), float(new[1])]

xy = XY("xy")
pos xy [1, 2]
print xy(), len(xy), xy[2]
scan xy [0, 0] [1, 1] [0.5, 0.5]
