# Jython 2.7 keeps integer division for two ints
import java
npoints = 7
print npoints / 2, -7 / 2, 7.0 / 2, 7 / 2.0
half = 9
half /= 2
print half
f = 9.0
f /= 2
print f
print java.lang.Integer(7) / 2
steps = range(10)
print len(steps) / 3
print 2 ** -1, 10 % 3
