# Java exceptions raised where GDA raises them, caught by their Java names
from java.lang import NumberFormatException, Float, Integer
import java

def parse(text):
    try:
        return Float(text)
    except NumberFormatException, e:
        print "not a number:", e.getMessage()
        return None

print parse("2.5"), parse("beam")
try:
    Integer("1.5")
except java.lang.Exception, e:
    print "caught as java.lang.Exception:", e.getClass().getSimpleName()
try:
    java.lang.Double("")
except java.lang.IllegalArgumentException, e:
    print "a NumberFormatException is an IllegalArgumentException:", isinstance(e, NumberFormatException)
print java.lang.Integer("42") + 1, java.lang.Boolean("yes"), java.lang.Boolean("true")
try:
    java.lang.Integer.parseInt("x1")
except NumberFormatException:
    print "parseInt refused x1"
