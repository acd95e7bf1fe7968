# backticks, <>, long and octal literals
n = 5
print "n is " + `n`
if n <> 4:
    print "n differs from 4"
big = 12345678901L
print big * 2
mode = 0755
print mode, mode & 0777
print 0x1F, 1e3
