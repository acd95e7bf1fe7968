# scisoftpy (dnp): fit a Gaussian to a scan, then read its NeXus and SRS files back
import scisoftpy as dnp
from gdascripts.pd.pd_gaussian import GaussianX, GaussianY
sx = GaussianX("sx")
sig = GaussianY("sig", sx, 1.25, 0.3, 1000.0, 10.0)
scan sx 0 2.5 0.125 sig
sdp = lastScanDataPoint()
x = dnp.array(sdp["sx"])
y = dnp.array(sdp["sig"])
print "points:", x.shape[0], "max", y.max(), "at", x[y.argmax()]
fn = dnp.fit.function
r = dnp.fit.fit([fn.gaussian, fn.offset], x, y, [1.0, 0.5, 300.0, 0.0],
                bounds=[(0, 2.5), (0.01, 2), (0, None), None])
posn, fwhm, area, c = r.parameters
print "gaussian at %.3f fwhm %.3f area %.1f offset %.2f" % (posn, fwhm, area, c)
print "errors below 1e-3:", max(r.errors) < 1e-3, " residual below 1e-6:", r.residual < 1e-6
nxs = dnp.io.load(sdp.currentFilename)
print nxs["entry1/scan_command"][()]
xs = nxs.entry1.instrument.sx.sx[...]
print "file axis", xs.shape, xs[0], xs[-1], nxs["entry1/instrument/sx/sx"].attrs.get("units")
srs = dnp.io.load(sdp.currentFilename.replace(".nxs", ".dat"))
print "srs columns", srs.keys(), "peak", dnp.max(srs.sig), "scan", srs.metadata["SRSRUN"]
try:
    dnp.fft
except AttributeError, e:
    print "AttributeError:", e
