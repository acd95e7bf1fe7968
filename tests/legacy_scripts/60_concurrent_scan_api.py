# A scan built and configured through GDA's Java API, the way gdascripts' wrappers do it
from gda.scan import ConcurrentScan, ScanBase, ScanPlotSettings
from gda.jython.commands.ScannableCommands import createScanPlotSettings, configureScanPipelineParameters
from gdascripts.pd.dummy_pds import DummyPD
import os

mot = DummyPD("mot")
mon = DummyPD("mon")
pos mon 2
s = ConcurrentScan([mot, 0, 1, 0.5, mon])
print "a ScanBase:", isinstance(s, ScanBase)
settings = createScanPlotSettings(s)
print "x axis:", settings.getXAxisName(), "y axes:", list(settings.getYAxesShown())
settings.setYAxesNotShown(["mot"])
s.setScanPlotSettings(settings)
configureScanPipelineParameters(s)
print "queue", s.getScanDataPointQueueLength(), "pool", s.getPositionCallableThreadPoolSize()
print "before running, scan number", s.getScanNumber()
s.runScan()
print "file:", os.path.basename(s.getDataWriter().getCurrentFileName())
print "dimensions:", list(s.getScanInformation().getDimensions())
print "listed:", [x.getName() for x in s.getUserListedScannables()]
print "scanned:", [x.getName() for x in s.getUserListedScannablesToScan()]
print "halted early:", s.wasScanExplicitlyHalted(), s.getStatus()
print "hidden:", list(s.getScanPlotSettings().getYAxesNotShown())
mine = ScanPlotSettings()
mine.setXAxisName("mot")
print mine.getXAxisName(), mine.getYAxesShown()
try:
    ConcurrentScan([1, 2, 3])
except ValueError, e:
    print "refused:", e
# gdascripts returns scannables to their start with one tuple of pairs, as GDA's vararg pos took it
from gda.jython.commands.ScannableCommands import pos as pos_command
pos_command((mot, 0.25, mon, 3))
print mot(), mon()
