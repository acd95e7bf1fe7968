# the Python 2 string module
import string
print string.letters[:5], string.uppercase[-3:], string.digits
names = ["x", "y", "z"]
print string.join(names, ", ")
print string.upper("sample"), string.atoi("42") + 1, string.atof("1.5") * 2
print string.split("a b  c")
print string.strip("  padded  ") + "|"
print string.replace("m1_m2", "_", "-")
