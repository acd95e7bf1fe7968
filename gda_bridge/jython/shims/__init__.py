"""Sources of the ``gda.*``, ``gdascripts.*`` and ``org.slf4j`` modules legacy scripts import.

They are loaded under those names by ``gda_bridge.jython.importer.ShimFinder``, never as
``gda_bridge.jython.shims...``; see docs/jython.md for what each provides.
"""
