# A beamline's own scan wrapper in gdascripts' style: it builds the ConcurrentScan, gives it plot
# settings, runs it and hands the scan object to its listeners, which read the file it wrote.
from gda.scan import ConcurrentScan, ScanBase, ScanPositionProvider, ScanPositionProviderFactory
from gda.jython.commands.ScannableCommands import createScanPlotSettings, configureScanPipelineParameters
from gda.device import Scannable
from gdascripts.pd.dummy_pds import DummyPD
import java.lang.InterruptedException
import os

class PeakFileReport:
    def prepareForScan(self):
        print "listener: preparing"
    def update(self, scan):
        sps = scan.getScanPlotSettings()
        name = os.path.basename(scan.getDataWriter().getCurrentFileName())
        return "%s: %s against %s, dims %s" % (name, sps.getYAxesShown()[-1], sps.getXAxisName(),
                                               list(scan.getScanInformation().getDimensions()))

class MyScan:
    def __init__(self, listeners):
        self.listeners = listeners
        self.yaxis = None
    def __call__(self, *args):
        for listener in self.listeners:
            listener.prepareForScan()
        for a in args[1:]:
            if not isinstance(a, (int, float, list, tuple, ScanPositionProvider, Scannable)):
                raise Exception("bad argument %r" % (a,))
        scan = ConcurrentScan(list(args))
        if isinstance(scan, ScanBase):
            configureScanPipelineParameters(scan)
        settings = createScanPlotSettings(scan)
        if self.yaxis is not None:
            settings.setYAxesShown([self.yaxis])
        scan.setScanPlotSettings(settings)
        try:
            scan.runScan()
        except java.lang.InterruptedException, e:
            if not scan.wasScanExplicitlyHalted():
                raise
        return [listener.update(scan) for listener in self.listeners]

sx = DummyPD("sx")
sy = DummyPD("sy")
sdet = DummyPD("sdet")
myscan = MyScan([PeakFileReport()])
print myscan(sx, 0, 2, 1, sdet)
myscan.yaxis = "sy"
print myscan(sx, ScanPositionProviderFactory.createFromRegion([[0, 1, 1], [1.5, 2.5, 0.5]]), sy, sdet)
myscan.yaxis = None
print myscan(sx, 0, 1, 1, sy, 0, 1, 1, sdet)
