# exec statements
exec "a = 6 * 7"
print a
ns = {}
exec "b = 'in a dict'" in ns
print ns["b"]
code = "c = a + 1"
exec code
print "from exec:", c
