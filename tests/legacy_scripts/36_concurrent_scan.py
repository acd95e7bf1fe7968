# ConcurrentScan built by hand, as older scripts do
from gda.scan import ConcurrentScan
from gdascripts.pd.dummy_pds import DummyPD
cx = DummyPD("cx")
cy = DummyPD("cy")
s = ConcurrentScan([cx, 0, 1, 0.5, cy])
s.runScan()
print "scan number", s.getScanNumber()
