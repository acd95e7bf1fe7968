# a Python 2 module imported (not run) by a script; translated only with --translate-imports
def describe(x):
    print "legacy module sees", x, "and 7/2 =", 7/2
    return x * 2
