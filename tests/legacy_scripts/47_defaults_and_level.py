# default scannables, levels and ls
from gdascripts.pd.dummy_pds import DummyPD
ic1 = DummyPD("ic1")
temp = DummyPD("temp")
pos temp 295
add_default temp
list_defaults
scan ic1 0 1 1
remove_default temp
level ic1
level ic1 7
print ic1.getLevel()
ls
