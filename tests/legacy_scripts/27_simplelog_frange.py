# gdascripts.utils.frange and simpleLog
from gdascripts.utils import frange
from gdascripts.messages.handle_messages import simpleLog
from gdascripts.pd.dummy_pds import DummyPD
e = DummyPD("e")
points = frange(0, 1, 0.25)
print points
simpleLog("scanning %d points" % len(points))
scan e tuple(points)
simpleLog("finished")
