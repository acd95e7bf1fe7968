# a class gda-bridge does not provide: one clear error at the user's line
from gdascripts.pd.dummy_pds import DummyPD
print "before the import"
from gda.device.scannable import TwoDScanPlotter
print "not reached"
