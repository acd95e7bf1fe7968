from java.lang import System
import string


def average(values):
    # integer division, as Jython did it
    return sum(values) / len(values)


def describe(name, values):
    print "describe", name,
    print "->", average(values)
    return string.upper(name)


def java_time_is_positive():
    return System.currentTimeMillis() > 0L
