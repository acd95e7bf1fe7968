# gda-bridge: python3
# a script already written for Python 3 runs unchanged (command syntax still works)
from gdascripts.pd.dummy_pds import DummyPD
z3 = DummyPD("z3")
pos z3 7 // 2
print(f"z3 is {z3():.1f}", 7 / 2)
values = {"a": 1}
print(list(values.keys()), end=" ")
print("<- a list")
