"""Jython compatibility: legacy GDA scripts (GDA command syntax, Python 2) on CPython 3.

``gda_bridge.jython.translate`` turns script text into Python 3 line for line;
``gda_bridge.jython.runtime`` holds the helpers translated code calls.
"""
