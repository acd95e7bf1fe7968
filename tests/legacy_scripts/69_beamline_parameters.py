# gdascripts.parameters: beamline settings files and name mappings, located by LocalProperties
from gdascripts.parameters import beamline_parameters
from gda.configuration.properties import LocalProperties
from gdascripts.pd.dummy_pds import DummyPD

p = beamline_parameters.Parameters("lib/beamline_parameters.txt")
print p.energy, p["detector_distance"], p.sample_stage, p.getValueOrNone("missing")
try:
    beamline_parameters.Parameters()
except AttributeError, e:
    print "no file:", e
LocalProperties.set(beamline_parameters.BEAMLINE_PARAMETERS_FILE_PROPERTY, "lib/beamline_parameters.txt")
print "from the property:", float(beamline_parameters.Parameters().energy) * 2
i0 = DummyPD("i0")
pos i0 3
LocalProperties.set(beamline_parameters.JYTHON_NAMESPACE_MAPPING_FILE_PROPERTY, "lib/namespace_mapping.txt")
names = beamline_parameters.JythonNameSpaceMapping()
print "mapped:", names.ion_chamber.getName(), names.i0()
try:
    names.nothing_here
except AttributeError, e:
    print "unmapped:", e
