# nested runs share one namespace; import __main__ reaches it
counter = 1
run "nested_outer"
print "main: counter is", counter, "made_by_inner:", made_by_inner
import __main__
print "__main__ is this namespace:", __main__.counter == counter
