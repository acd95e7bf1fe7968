import __main__
print "inner: counter is", __main__.counter
__main__.counter += 10
made_by_inner = "yes"
