# pos and inc on gdascripts dummy devices
from gdascripts.pd.dummy_pds import DummyPD
sx = DummyPD("sx")
sy = DummyPD("sy")
pos sx 1.5
pos sx
pos sx 2 sy -1
inc sx 0.25
inc sy -1
print "sx now", sx()
pos sx
pos
