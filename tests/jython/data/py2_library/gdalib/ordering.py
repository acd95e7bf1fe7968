import helpers


class Reading:
    def __init__(self, name, value):
        self.name = name
        self.value = value

    def __cmp__(self, other):
        return cmp(self.value, other.value)

    def __repr__(self):
        return "%s=%d" % (self.name, self.value)


def sort_readings(readings):
    readings.sort(cmp=lambda a, b: cmp(b.value, a.value))
    return readings, helpers.average([r.value for r in readings])
