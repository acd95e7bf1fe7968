# Python 2 print statements as beamline scripts use them
import sys
print "Starting alignment"
print "sample", 3, "of", 10
print "no newline:",
print "continued"
x = 1.0 / 3
print x
print "%5.2f mm" % 12.3456
print "tuple:", (1, 2)
print
print >>sys.stderr, "this goes to stderr"
for i in range(3):
    print i,
print
print "done"
