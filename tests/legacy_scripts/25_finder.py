# gda.factory.Finder: Java objects of the core and names registered from scripts
from gda.factory import Finder
from gda.device.scannable import DummyScannable
from gdascripts.pd.dummy_pds import DummyPD
jz = DummyScannable("jz", 1.5)
Finder.register("jz", jz)
print Finder.find("jz").getName(), Finder.find("jz")()
print Finder.getInstance().find("nothing_here")
dz = DummyPD("dz")
Finder.register("dz", dz)
print Finder.find("dz") is dz
print "jz" in Finder.listAllNames(), "dz" in Finder.listAllNames()
