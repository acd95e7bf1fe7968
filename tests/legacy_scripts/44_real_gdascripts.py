# corpus-args: --script-path fake_gdascripts
# a real gdascripts library on the script path takes precedence over gda-bridge's shims
from gdascripts.pd.dummy_pds import DummyPD
import gdascripts
real = DummyPD("real")
pos real 3
print "from the script path:", gdascripts.__file__.endswith("fake_gdascripts/gdascripts/__init__.py")
from gda.jython.commands.ScannableCommands import pos as pos_command
pos_command(real, 4)
