# dict.keys() lists, has_key, xrange, map and filter returning lists
positions = {"x": 1.0, "y": 2.0, "z": 3.0}
keys = positions.keys()
keys.sort()
print keys
print positions.has_key("x"), positions.has_key("q")
total = 0
for i in xrange(5):
    total += i
print total
print map(lambda v: v * 2, [1, 2, 3])
print filter(lambda v: v > 1, [0, 1, 2, 3])
print zip([1, 2], ["a", "b"])
print sorted(positions.items())
for k, v in sorted(positions.iteritems()):
    print k, v,
print
