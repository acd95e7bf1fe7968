# names GDA's interpreter imported before any script ran
print java.lang.Math.abs(-3)
print Thread.currentThread().getName() != ""
print Runnable.class_.getName()
print DummyScannable("dummy").getName()
print finder is not None, Finder is not None
print ScannableBase.__name__, DetectorBase.__name__, PseudoDevice.__name__
print Scannable.__name__, ScannableMotion.__name__, Detector.__name__
print ScannableCommands.__name__, GeneralCommands.__name__
print ScanDataPoint.__name__, ScriptBase.__name__
print ConcurrentScan.__name__, ScanPositionProvider.__name__
try:
    raise DeviceException("refused")
except DeviceException, e:
    print "DeviceException:", e
print gda.device.scannable.DummyScannable("x").getName()
