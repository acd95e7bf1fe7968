# corpus-args: --startup lib/localStation_processing.py
# the scans installStandardScansWithProcessing made, then go peak as users type it
scan tth 28 32 0.25 diode
go peak
pos tth
dscan tth -1 1 8 diode 0.1
print "tth back at %.2f, scan_processor: %r" % (tth(), scan_processor)
