# SPEC-style scans: intervals, not steps
from gdascripts.pd.dummy_pds import DummyPD
tth = DummyPD("tth")
th = DummyPD("th")
cnt = DummyPD("cnt")
ascan tth 0 1 2 cnt 0.1
a2scan tth 0 2 th 0 1 2 cnt 0.1
pos tth 4
dscan tth -1 1 2 cnt 0.1
print "tth back at", tth()
