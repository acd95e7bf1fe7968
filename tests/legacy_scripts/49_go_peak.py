# processing after a scan, and go peak
from gdascripts.pd.pd_gaussian import GaussianX, GaussianY
from gdascripts.pd.dummy_pds import DummyPD
sx = GaussianX("sx")
sig = GaussianY("sig", sx, 1.25, 0.08, 1000.0, 10.0)
scan sx 0 2.5 0.125 sig
print "peak at %.3f, fwhm %.3f" % (peak.result.pos, peak.result.fwhm)
print "maxval at", maxval.result.maxpos
go peak
print "sx now %.3f" % sx()
flat = DummyPD("flat")
scan sx 0 1 0.25 flat
print peak.result.pos
