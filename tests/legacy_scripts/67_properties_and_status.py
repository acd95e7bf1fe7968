# LocalProperties (GDA's named settings) and JythonStatus
from gda.configuration.properties import LocalProperties
from gda.jython import JythonStatus, InterfaceProvider, Jython
from gda.scan import ConcurrentScan
from gda.jython.commands.ScannableCommands import createScanPlotSettings
from gdascripts.pd.dummy_pds import DummyPD

print "unset:", LocalProperties.get("gda.corpus.sample"), LocalProperties.get("gda.corpus.sample", "none")
LocalProperties.set(LocalProperties.GDA_BEAMLINE_NAME, "i99")
print "beamline:", LocalProperties.get("gda.beamline.name"), LocalProperties().get("gda.beamline.name")
LocalProperties.set("gda.corpus.flag", "True")
print "flag:", LocalProperties.check("gda.corpus.flag"), LocalProperties.check("gda.corpus.other", True)
print "int:", LocalProperties.getInt("gda.corpus.count", 7)
LocalProperties.set("gda.corpus.count", "many")
try:
    LocalProperties.getInt("gda.corpus.count", 7)
except Exception, e:
    print "bad value:", e.getMessage()

status = InterfaceProvider.getScanStatusHolder().getScanStatus()
print "status:", status, status == JythonStatus.IDLE, status == Jython.IDLE

# the plot-settings properties choose other fields by index
px = DummyPD("px")
py = DummyPD("py")
pdet = DummyPD("pdet")
LocalProperties.set("gda.plot.ScanPlotSettings.YFieldIndicesVisible", "1 -1")
LocalProperties.set("gda.plot.ScanPlotSettings.YFieldIndicesInvisible", "0")
sps = createScanPlotSettings(ConcurrentScan([px, 0, 1, 1, py, 0, 1, pdet]))
print sps.getXAxisName(), list(sps.getYAxesShown()), list(sps.getYAxesNotShown())
LocalProperties.set("gda.plot.ScanPlotSettings.XFieldIndex", "5")
try:
    createScanPlotSettings(ConcurrentScan([px, 0, 1, 1, pdet]))
except Exception, e:
    print "bad index:", e.getMessage()
