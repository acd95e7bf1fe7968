# corpus-args: --startup lib/localStation.py
# a user script relying on what localStation.py made
beamcheck
pos ring
print "return flag from localStation:", scansReturnToOriginalPositions
