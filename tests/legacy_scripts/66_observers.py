# notifyIObservers from a Python scannable and from a Java one, to Python observers
from gda.device.scannable import ScannableMotionBase, DummyScannable

class Shutter(ScannableMotionBase):
    def __init__(self, name):
        self.setName(name)
        self.setInputNames([name])
        self.setOutputFormat(["%s"])
        self.state = "Closed"
    def isBusy(self):
        return False
    def rawGetPosition(self):
        return self.state
    def rawAsynchronousMoveTo(self, position):
        self.state = position
        self.notifyIObservers(self, "shutter now " + position)

class Printer:
    def __init__(self, label):
        self.label = label
    def update(self, source, change):
        print self.label, "heard from", source.getName() + ":", change

shutter = Shutter("shutter")
watcher = Printer("watcher")
shutter.addIObserver(watcher)
shutter.addIObserver(watcher)
pos shutter "Open"
shutter.deleteIObserver(watcher)
pos shutter "Closed"
print "observed:", shutter.isBeingObserved()
def logged(source, change):
    print "function observer:", change
shutter.addIObserver(logged)
pos shutter "Open"
try:
    shutter.addIObserver(42)
except TypeError, e:
    print "refused:", e
