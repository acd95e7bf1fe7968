# A Python 2 library in the style of GDA's gdascripts: no pragma, no flag makes it Python 2.
import helpers
from ordering import Reading, sort_readings

print "gdalib loaded; helpers is", helpers.__name__
