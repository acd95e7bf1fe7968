# scisoftpy arrays, as GDA scripts use them.
import scisoftpy as dnp


def total(n):
    a = dnp.arange(n)
    print "array of", len(a)
    return a.sum() / 2
