# except X, e / raise E, "msg"
def check_energy(e):
    if e > 20:
        raise ValueError, "energy %s keV is above 20 keV" % e
    return e

for energy in [8, 12.5, 25]:
    try:
        check_energy(energy)
        print "energy ok:", energy
    except ValueError, err:
        print "refused:", err

try:
    {}['missing']
except (KeyError, IndexError), e:
    print "lookup failed:", repr(e)
