# ScannableMotor over the core's DummyMotor, used as is and subclassed
from gda.device.scannable import ScannableMotor
from gda.device.motor import DummyMotor
from gda.device import DeviceException

m = DummyMotor()
m.setName("stage_x_motor")
m.setMinPosition(-5.0)
m.setMaxPosition(5.0)
stx = ScannableMotor()
stx.setName("stx")
stx.setMotor(m)
stx.configure()
print stx.getInputNames(), stx.getMotor().getName()
pos stx 1.5
print "motor at", m.getPosition()
inc stx 0.5
try:
    pos stx 7
except DeviceException, e:
    print "refused:", e
print "still at", stx()

class HalvedMotor(ScannableMotor):
    """A user scannable reading its motor in half units."""
    def rawGetPosition(self):
        return ScannableMotor.rawGetPosition(self) / 2.0
    def rawAsynchronousMoveTo(self, position):
        ScannableMotor.rawAsynchronousMoveTo(self, position * 2.0)

half = HalvedMotor("half", DummyMotor("half_motor"))
scan half 0 1 0.5 stx
print "half's motor at", half.getMotor().getPosition()
slow = DummyMotor("slow_motor")
slow.setSpeed(50.0)
sl = ScannableMotor("sl", slow)
sl.moveTo(1.0)
print "after a timed move:", sl(), sl.isBusy()
