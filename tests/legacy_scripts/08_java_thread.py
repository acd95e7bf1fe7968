# Java classes through JPype, as GDA scripts use them
from java.lang import Thread, System, Math
import java
Thread.sleep(1)
print "java version known:", System.getProperty("java.version") is not None
print Math.max(3, 7), java.lang.Math.abs(-2.5)
sb = java.lang.StringBuilder()
sb.append("beam").append("line")
print sb.toString()
lst = java.util.ArrayList()
lst.add("a"); lst.add("b")
print lst.size(), lst.get(1)
t = Thread.currentThread()
print "thread has a name:", len(t.getName()) > 0
