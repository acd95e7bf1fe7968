# a package of GDA-style Python 2 modules: bare imports of its own modules are relative
import units
from conversions import to_mm
print "oldpkg ready:", units.NAME
