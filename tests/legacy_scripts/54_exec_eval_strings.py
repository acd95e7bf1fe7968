# Python 2 code built at run time
for name in ["a", "b"]:
    exec "%s_half = 7/2" % name
print a_half, b_half, eval("9/2"), eval("`3`")
exec "print 'exec says', 1/3"
