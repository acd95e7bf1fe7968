class Sample:
    def __init__(self, name, temp):
        self.name = name
        self.temp = temp
    def __cmp__(self, other):
        return cmp(self.temp, other.temp)
    def __repr__(self):
        return "%s@%dK" % (self.name, self.temp)
samples = [Sample("b", 300), Sample("a", 80), Sample("c", 150)]
samples.sort()
print samples, min(samples), Sample("x", 1) == Sample("y", 1)
names = [s.name for s in samples]
names.sort(cmp=lambda p, q: cmp(q, p))
print names, sorted(samples, lambda p, q: cmp(q.temp, p.temp))
