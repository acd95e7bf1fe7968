# commands imported from GDA's Java command classes, as some scripts do
from gda.jython.commands.ScannableCommands import scan, pos, inc
from gda.jython.commands.GeneralCommands import alias, run
from gda.jython.commands import ScannableCommands
from gdascripts.pd.dummy_pds import DummyPD
bx = DummyPD("bx")
pos(bx, 2)
inc([bx, 1])
scan([bx, 0, 1, 1])
ScannableCommands.pos(bx, 5)
print "bx =", bx()
