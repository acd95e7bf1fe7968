# localStation.py: the beamline start-up script
print "Running localStation.py"
from gdascripts.pd.dummy_pds import DummyPD
from gda.jython.commands.GeneralCommands import alias
import java
ring = DummyPD("ring")
ring(300)
def beamcheck():
    print "ring current is", ring(), "mA"
alias("beamcheck")
scansReturnToOriginalPositions = 0
print "localStation.py done"
