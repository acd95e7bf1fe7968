# a localStation.py in the style of a real beamline's
print "localStation: installing the standard scans"
from gdascripts.scan.installStandardScansWithProcessing import *
scan_processor.rootNamespaceDict = globals()
from gdascripts.pd.pd_gaussian import GaussianX, GaussianY
tth = GaussianX("tth")
diode = GaussianY("diode", tth, 30.0, 0.5, 500.0, 2.0)
