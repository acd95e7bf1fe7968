# a stand-in for a beamline's own copy of GDA's gdascripts library
