# run "script" finds a script on the script path and runs it in the shared namespace
from gdascripts.pd.dummy_pds import DummyPD
phi = DummyPD("phi")
run "lib_helper"
print "helper_loaded =", helper_loaded
move_and_report(phi, 12.5)
run("lib_helper.py")
