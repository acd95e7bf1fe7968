# written for a session where localStation aliased these commands
set_energy 8.5
show_energy
