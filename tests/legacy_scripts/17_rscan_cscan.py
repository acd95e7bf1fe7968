# relative and centred scans return to where they started
from gdascripts.pd.dummy_pds import DummyPD
kap = DummyPD("kap")
mon = DummyPD("mon")
pos kap 10
rscan kap -1 1 1 mon
print "after rscan kap =", kap()
cscan kap 0.5 0.5 mon
print "after cscan kap =", kap()
