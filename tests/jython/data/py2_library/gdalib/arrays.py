# scisoftpy (helper "nexus"): kept apart so the rest of the package works alone.
import scisoftpy as dnp


def total(n):
    a = dnp.arange(n)
    print "array of", len(a)
    return a.sum() / 2
