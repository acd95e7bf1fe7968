# gdascripts.pd.time_pds: waittime as a scan's delay scannable
from gdascripts.pd.time_pds import waittime, showtime, tictoc
from gdascripts.pd.dummy_pds import DummyPD
w = DummyPD("w")
scan w 0 2 1 waittime 0.001
t = tictoc()
print "timer runs:", t() >= 0, showtime.getInputNames()
