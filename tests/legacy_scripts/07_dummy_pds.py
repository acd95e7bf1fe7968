# gdascripts dummy devices in a scan
from gdascripts.pd.dummy_pds import SimplestPD, DummyPD, MultiInputExtraFieldsDummyPD, ZeroInputExtraFieldsDummyPD
simple = SimplestPD("simple", 7)
dpd = DummyPD("dpd")
multi = MultiInputExtraFieldsDummyPD("multi", ["i1", "i2"], ["e1", "e2"])
zero = ZeroInputExtraFieldsDummyPD("zero")
print simple(), dpd.getLevel(), dpd.getOutputFormat()
print multi()
pos multi [1.5, None]
pos multi [None, 2.5]
scan dpd 0 1 0.5 simple multi zero
