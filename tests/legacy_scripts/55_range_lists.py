points = range(3) + [10]
print points, range(2) * 2, len(range(5))
steps = range(0, 10, 4)
steps.append(99)
print steps, range(3)[-1]
