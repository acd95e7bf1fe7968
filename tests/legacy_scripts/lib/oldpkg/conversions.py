import units

def to_mm(metres):
    return metres * units.SCALE

def per_point(total, points):
    return total / points
