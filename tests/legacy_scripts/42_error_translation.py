# a construct the translator cannot convert (tuple parameters)
print "never printed: the script is translated before it runs"
def centre((x, y)):
    return x + y
