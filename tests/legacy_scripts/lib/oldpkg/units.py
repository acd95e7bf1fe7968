NAME = "oldpkg.units"
SCALE = 1000
