import sys
import gdalib
from gdalib import helpers
print helpers.describe("dark", [1, 2, 4])
print sorted([gdalib.Reading("b", 2), gdalib.Reading("a", 1)]), gdalib.Reading("a", 1) == gdalib.Reading("c", 1)
print gdalib.sort_readings([gdalib.Reading("a", 1), gdalib.Reading("b", 5)])
print helpers.java_time_is_positive(), 7 / 2
if "tasks" in sys.argv:
    from gdalib import tasks
    print "counted", tasks.run_in_thread()
if "arrays" in sys.argv:
    from gdalib import arrays
    print "total", arrays.total(5)
