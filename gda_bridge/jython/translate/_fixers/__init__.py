"""Our own fissix fixers for Jython 2.7 semantics (loaded by name by the Python 2 -> 3 pass)."""
