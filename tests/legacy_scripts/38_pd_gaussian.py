# gdascripts.pd.pd_gaussian: find the peak by hand from the last scan
from gdascripts.pd.pd_gaussian import GaussianX, GaussianY
gx = GaussianX("gx")
gy = GaussianY("gy", gx, 2.0, 0.5, 100.0, 1.0)
s = scan(gx, 0, 4, 0.5, gy)
best = 0
for i in range(len(s["gy"])):
    if s["gy"][i] > s["gy"][best]:
        best = i
print "peak at gx =", s["gx"][best], "height %.1f" % s["gy"][best]
print lastScanDataPoint().getScanIdentifier() == s.scan_number
