# ScannableGroup from GDA's own package for it, built and subclassed
from gda.device.scannable.scannablegroup import ScannableGroup
from gdascripts.pd.dummy_pds import DummyPD

gx = DummyPD("gx")
gy = DummyPD("gy")
table = ScannableGroup("table", [gx, gy])
pos table [1, 2]
print table.getInputNames(), table()

class Diagonal(ScannableGroup):
    """Moves both members to the same value."""
    def asynchronousMoveTo(self, position):
        ScannableGroup.asynchronousMoveTo(self, [position, position])

diag = Diagonal("diag", [gx, gy])
diag.asynchronousMoveTo(3)
diag.waitWhileBusy()
print gx(), gy()
print isinstance(diag, ScannableGroup), [m.getName() for m in diag.getGroupMembers()]
