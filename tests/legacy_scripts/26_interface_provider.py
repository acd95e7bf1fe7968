# gda-bridge: python3
# InterfaceProvider: terminal printing, scan status, the Jython namespace.
# (Python 3 because `printer.print(...)` is a syntax error in Python 2; Jython allowed it.)
from gda.jython import InterfaceProvider, Jython
from gdascripts.pd.dummy_pds import DummyPD
from gda.device.detector import DetectorBase

printer = InterfaceProvider.getTerminalPrinter()
printer.print("hello from the terminal printer")
print(InterfaceProvider.getScanStatusHolder().getScanStatus() == Jython.IDLE)

class StatusProbe(DetectorBase):
    def __init__(self, name):
        self.name = name
        self.seen = []
    def collectData(self):
        self.seen.append(InterfaceProvider.getScanStatusHolder().getScanStatus())
    def readout(self):
        return len(self.seen)
    def getStatus(self):
        return 0

probe = StatusProbe("probe")
z = DummyPD("z")
scan z 0 1 1 probe
print("status during the scan was RUNNING:", probe.seen == [Jython.RUNNING, Jython.RUNNING])
sample_name = "lysozyme"
print(InterfaceProvider.getJythonNamespace().getFromJythonNamespace("sample_name"))
InterfaceProvider.getJythonNamespace().placeInJythonNamespace("made_elsewhere", 42)
print(made_elsewhere)
