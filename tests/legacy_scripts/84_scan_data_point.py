# lastScanDataPoint() is GDA's ScanDataPoint of the last point of the last scan
from gdascripts.pd.dummy_pds import DummyPD
from gda.device.detector import DetectorBase

class Diode(DetectorBase):
    def __init__(self, name, motor):
        self.setName(name)
        self.motor = motor
        self.value = 0
    def collectData(self):
        self.value = 5 + 2 * self.motor()
    def getStatus(self):
        return self.IDLE
    def readout(self):
        return self.value
    def createsOwnFiles(self):
        return False

print lastScanDataPoint()
m1 = DummyPD("m1")
diode = Diode("diode", m1)
scan m1 0 3 1 diode 0.1
sdp = lastScanDataPoint()
print sdp
print sdp.toString() == str(sdp)
print "point", sdp.getCurrentPointNumber(), "of", sdp.getNumberOfPoints()
print "scannables", list(sdp.getScannableNames()), "detectors", list(sdp.getDetectorNames())
print "positions", list(sdp.getPositions()), "data", list(sdp.getDetectorData())
print "doubles", sdp.getAllValuesAsDoubles()
print "header", list(sdp.getPositionHeader()), list(sdp.getDetectorHeader())
print "scan number", sdp.getScanIdentifier(), "command", sdp.getCommand()
print sdp.getCurrentFilename() == sdp.currentFilename, sdp.currentFilename
print sdp.getPositions().size(), sdp.getDetectorData().get(0)
print sdp.getHeaderString()
print sdp.toFormattedString()
print sdp.isDetector("diode"), sdp.isScannable("diode")
