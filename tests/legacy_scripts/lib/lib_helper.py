# a helper script other scripts `run`
print "lib_helper: defining move_and_report"
def move_and_report(scn, where):
    pos scn where
    print "  %s is at %.2f" % (scn.getName(), scn())
helper_loaded = 1
