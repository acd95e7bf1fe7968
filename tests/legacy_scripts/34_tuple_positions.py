# explicit position lists, a scannable moved to one position, a read-only scannable
from gdascripts.pd.dummy_pds import DummyPD
px = DummyPD("px")
py = DummyPD("py")
reader = DummyPD("reader")
scan px (0, 0.5, 2.0) py 3 reader
