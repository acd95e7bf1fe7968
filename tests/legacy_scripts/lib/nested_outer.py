print "outer: counter is", counter
counter = counter + 1
run "nested_inner"
print "outer: after inner, counter is", counter
