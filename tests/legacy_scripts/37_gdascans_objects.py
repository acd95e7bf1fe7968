# scan objects from gdascripts.scan.gdascans, aliased as localStation.py does
from gdascripts.scan import gdascans, specscans
from gdascripts.pd.dummy_pds import DummyPD

class Recorder:
    def __init__(self):
        self.seen = []
    def prepareForScan(self):
        print "recorder: preparing"
    def update(self, scan):
        self.seen.append(scan.num_points)

rec = Recorder()
myscan = gdascans.Scan([rec])
myrscan = gdascans.Rscan([rec])
myascan = specscans.Ascan([rec])
alias("myscan")
q = DummyPD("q")
mon = DummyPD("mon")
myscan(q, 0, 2, 1)
pos q 1
myrscan(q, -1, 1, 1)
myascan(q, 0, 1, 1, mon, 0.1)
print "points seen:", rec.seen, "q at", q()
print myscan.__doc__.split('\n')[2]
