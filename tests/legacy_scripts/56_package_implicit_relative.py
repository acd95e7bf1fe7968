# a Python 2 package on the script path, imported without any flag
import oldpkg
from oldpkg.conversions import per_point
print oldpkg.to_mm(2), per_point(7, 2), oldpkg.units.NAME
