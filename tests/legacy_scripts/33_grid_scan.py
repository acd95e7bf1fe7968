# a nested (grid) scan and a lock-step scannable
from gdascripts.pd.dummy_pds import DummyPD
gx = DummyPD("gx")
gy = DummyPD("gy")
gz = DummyPD("gz")
scan gx 0 1 1 gy 0 2 1
scan gx 0 2 1 gz 10 5
