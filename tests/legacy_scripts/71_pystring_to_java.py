# gda.util.PyStringToJava: a printed list of tuples of strings back to lists
from gda.util import PyStringToJava

pairs = [("sample 1", "it's wet"), ('holder (a)', 'say "hi"')]
back = PyStringToJava.ListOfTuplesToJava(str(pairs))
print [list(t) for t in back] == [list(t) for t in pairs], len(back)
try:
    PyStringToJava.ListOfTuplesToJava("[('unclosed)]")
except Exception, e:
    print "refused:", e.getMessage()
