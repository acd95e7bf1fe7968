from gda.device.scannable import ScannableMotionBase
print("the real gdascripts.pd.dummy_pds is loaded")


class DummyPD(ScannableMotionBase):
    def __init__(self, name):
        self.setName(name)
        self.setInputNames([name])
        self.setOutputFormat(["%8.1f"])
        self.value = -1.0

    def isBusy(self):
        return 0

    def rawGetPosition(self):
        return self.value

    def rawAsynchronousMoveTo(self, p):
        self.value = float(p)
