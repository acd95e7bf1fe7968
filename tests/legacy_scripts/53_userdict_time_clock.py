import time
from UserDict import UserDict, IterableUserDict
class Settings(IterableUserDict):
    def __init__(self):
        IterableUserDict.__init__(self)
        self['exposure'] = 0.1
start = time.clock()
s = Settings()
for key in s:
    print key, s[key]
print "elapsed is a float:", type(time.clock() - start) is float, isinstance(UserDict(), UserDict)
