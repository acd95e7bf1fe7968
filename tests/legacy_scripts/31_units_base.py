# ScannableMotionUnitsBase with user and hardware units
from gda.device.scannable import ScannableMotionUnitsBase

class Energy(ScannableMotionUnitsBase):
    def __init__(self, name):
        self.setName(name)
        self.setInputNames([name])
        self.setOutputFormat(["%7.4f"])
        self.setUserUnits("keV")
        self.setHardwareUnitString("eV")
        self.ev = 8000.0
    def isBusy(self):
        return 0
    def rawGetPosition(self):
        return self.ev / 1000.0
    def rawAsynchronousMoveTo(self, kev):
        self.ev = float(kev) * 1000.0

energy = Energy("energy")
print energy.getUserUnits(), energy.getHardwareUnitString()
pos energy 12.4
print "hardware position", energy.ev, energy.getHardwareUnitString()
