"""gdascripts.scan.specscans: SPEC-style scan objects (ascan, a2scan, ..., mesh, dscan...)."""

from gdascripts.scan.concurrentScanWrapper import ConcurrentScanWrapper


class Ascan(ConcurrentScanWrapper):
    """USAGE:

  ascan motor start finish intervals time
  ascan motor start finish intervals time
"""

    command_name = "ascan"


class A2scan(ConcurrentScanWrapper):
    """USAGE:

  a2scan m1 s1 f1 m2 s2 f2 intervals time
  a2scan m1 s1 f1 m2 s2 f2 intervals time
"""

    command_name = "a2scan"


class A3scan(ConcurrentScanWrapper):
    """USAGE:

  a3scan m1 s1 f1 m2 s2 f2 m3 s3 f3 intervals time
  a3scan m1 s1 f1 m2 s2 f2 m3 s3 f3 intervals time
"""

    command_name = "a3scan"


class Mesh(ConcurrentScanWrapper):
    """USAGE:

  mesh m1 s1 f1 intervals1 m2 s2 f2 intervals2 time
  mesh m1 s1 f1 intervals1 m2 s2 f2 intervals2 time
"""

    command_name = "mesh"


class Dscan(ConcurrentScanWrapper):
    """USAGE:

  dscan motor start finish intervals time (relative; returns to the start)
  dscan motor start finish intervals time
"""

    command_name = "dscan"


class D2scan(ConcurrentScanWrapper):
    """USAGE:

  d2scan m1 s1 f1 m2 s2 f2 intervals time (relative; returns to the start)
  d2scan m1 s1 f1 m2 s2 f2 intervals time
"""

    command_name = "d2scan"


class D3scan(ConcurrentScanWrapper):
    """USAGE:

  d3scan m1 s1 f1 m2 s2 f2 m3 s3 f3 intervals time (relative; returns to the start)
  d3scan m1 s1 f1 m2 s2 f2 m3 s3 f3 intervals time
"""

    command_name = "d3scan"


Lup = Dscan
