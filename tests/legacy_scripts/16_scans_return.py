# scansReturnToOriginalPositions: GDA's flag making every scan return its scannables
from gdascripts.pd.dummy_pds import DummyPD
a = DummyPD("a")
pos a 5
scansReturnToOriginalPositions = 1
scan a 0 2 1
print "after scan with the flag set, a =", a()
scansReturnToOriginalPositions = 0
scan a 0 2 1
print "after scan with the flag cleared, a =", a()
