# a ScanPositionProvider written in the script
from gda.scan import ScanPositionProvider
from gdascripts.pd.dummy_pds import DummyPD

class Squares(ScanPositionProvider):
    def __init__(self, n):
        self.n = n
    def get(self, index):
        return float(index * index)
    def size(self):
        return self.n

sq = DummyPD("sq")
scan sq Squares(4)
