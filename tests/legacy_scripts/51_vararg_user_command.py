# a user's vararg command gets GDA's list; the standard commands take it too
from gdascripts.pd.dummy_pds import DummyPD
def myscan(*args):
    print "myscan got", len(args), "argument(s); first has", len(args[0])
vararg_alias("myscan")
run "uses_myscan"
x = DummyPD("x")
y = DummyPD("y")
pos x 2
inc x 1
dets = [y]
scan x 0 2 1 *dets
