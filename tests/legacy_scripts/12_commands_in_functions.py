# GDA command lines inside functions
from gdascripts.pd.dummy_pds import DummyPD
x = DummyPD("x")
y = DummyPD("y")

def goto_sample(n):
    """Move to sample n of the holder"""
    pos x n*2 y -n
    print "at sample", n

def quick_check(scn):
    scan scn 0 1 1 x
    return "checked " + scn.getName()

goto_sample(1)
goto_sample(3)
print quick_check(y)
