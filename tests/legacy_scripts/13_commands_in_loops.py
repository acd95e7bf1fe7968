# GDA commands inside loops and conditionals
from gdascripts.pd.dummy_pds import DummyPD
th = DummyPD("th")
det = DummyPD("det")
for angle in [10, 20]:
    pos th angle
    if angle > 15:
        scan det 0 1 1 th
    else:
        print "skipping scan at", angle
i = 0
while i < 2:
    inc th 1; i = i + 1
pos th
