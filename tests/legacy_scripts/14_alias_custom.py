# alias / vararg_alias / remove_alias: later scripts may use command syntax for them
energy = [0.0]
def set_energy(e):
    energy[0] = e
    print "energy set to", e, "keV"
def show_energy():
    print "energy is", energy[0], "keV"
alias("set_energy")
vararg_alias("show_energy")
run "uses_alias"
remove_alias("show_energy")
run "uses_alias"
print "(after remove_alias the bare name show_energy did nothing)"
