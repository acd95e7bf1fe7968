# Scan-file metadata through gdascripts.metadata and gda.data.metadata; read back with h5py
from gdascripts.metadata.metadata_commands import setTitle, getTitle, meta_add, meta_ls, meta_ll, meta_rm
from gda.data.metadata import GDAMetadataProvider, StoredMetadataEntry
from gda.factory import Finder
from gdascripts.pd.dummy_pds import DummyPD
import h5py

slit = DummyPD("slit")
energy = DummyPD("energy")
pos slit 0.25
pos energy 8.5
setTitle("lysozyme alignment")
print "title:", getTitle()
GDAMetadataProvider.getInstance().addMetadataEntry(StoredMetadataEntry("sample", "lysozyme"))
print "same object:", Finder.find("GDAMetadata") is GDAMetadataProvider.getInstance()
meta_add(slit, energy)
meta_ls()
meta_ll()
meta_rm(energy)
meta_ls()
mx = DummyPD("mx")
result = scan(mx, 0, 1, 1, slit)
f = h5py.File(result.file, "r")
entry = f[list(f.keys())[0]]
print "file title:", entry["title"].asstr()[()]
print "user metadata:", entry["user_metadata/sample"].asstr()[()]
print "before scan:", sorted(entry["before_scan"].keys()), entry["before_scan/slit/slit"][()]
