# Python classes implementing Java interfaces, handed to Java as GDA scripts do
from java.util.concurrent import Callable, Executors, TimeUnit
from java.beans import PropertyChangeListener, PropertyChangeSupport
import java

class Counter(Runnable):
    def __init__(self, name):
        self.name = name
        self.runs = 0
    def run(self):
        self.runs = self.runs + 1
    def toString(self):
        return "Counter(%s, runs=%d)" % (self.name, self.runs)

c = Counter("beam")
t = Thread(c, "counter-thread")
t.start()
t.join()
print c, c.runs
print "str and repr:", str(c), repr(c)

class Reading(Callable):
    def __init__(self, value):
        self.value = value
    def call(self):
        return {"value": self.value, "squared": self.value * self.value}

class Pair(Reading):
    def call(self):
        return (self.value, self.value + 1)

pool = Executors.newFixedThreadPool(2)
try:
    futures = [pool.submit(Reading(3)), pool.submit(Pair(7))]
    first = futures[0].get(5, TimeUnit.SECONDS)
    print sorted(first.items())
    print futures[1].get(5, TimeUnit.SECONDS)
finally:
    pool.shutdown()
print "pool stopped:", pool.awaitTermination(5, TimeUnit.SECONDS)

class Recorder(PropertyChangeListener):
    def __init__(self):
        self.seen = []
    def propertyChange(self, event):
        self.seen.append("%s: %s -> %s" % (event.getPropertyName(), event.getOldValue(), event.getNewValue()))

support = PropertyChangeSupport("shutter")
rec = Recorder()
support.addPropertyChangeListener(rec)
support.firePropertyChange("state", "closed", "open")
support.firePropertyChange("state", "open", "closed")
for line in rec.seen:
    print line
print "listeners:", len(support.getPropertyChangeListeners())

class Monitor(java.lang.Thread):
    def __init__(self, name, samples):
        Thread.__init__(self, name)
        self.samples = samples
        self.readings = []
    def run(self):
        for i in range(self.samples):
            self.readings.append(i * i)

mon = Monitor("beam-monitor", 4)
mon.setDaemon(True)
mon.start()
mon.join(5000)
print mon.getName(), mon.readings, "alive:", mon.isAlive()

try:
    class MyList(java.util.ArrayList):
        pass
except TypeError, e:
    print "refused:", e
