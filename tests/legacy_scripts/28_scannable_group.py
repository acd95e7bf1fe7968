# ScannableGroup: two motors moved and scanned as one
from gda.device.scannable import ScannableGroup
from gdascripts.pd.dummy_pds import DummyPD
sx = DummyPD("sx")
sy = DummyPD("sy")
stage = ScannableGroup("stage", [sx, sy])
print stage.getInputNames()
pos stage [1, 2]
print stage()
scan stage [0, 0] [1, 2] [1, 2]
print stage.sx()
