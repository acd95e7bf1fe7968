"""gdascripts.scan.gdascans: Scan, Rscan, Cscan objects (``scan = gdascans.Scan([processor])``)."""

from gdascripts.scan.concurrentScanWrapper import ConcurrentScanWrapper


class Scan(ConcurrentScanWrapper):
    """USAGE:

  scan scn1 start stop step [scnN [start [stop [step]]]] ...
"""

    command_name = "scan"


class Rscan(ConcurrentScanWrapper):
    """USAGE:

  rscan scn1 relstart relstop step [scnN relstart relstop step]... (returns to the start)
"""

    command_name = "rscan"


class Cscan(ConcurrentScanWrapper):
    """USAGE:

  cscan scn1 halfwidth step [scnN halfwidth step]... (centred; returns to the start)
"""

    command_name = "cscan"
