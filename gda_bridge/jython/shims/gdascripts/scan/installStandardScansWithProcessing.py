"""gdascripts.scan.installStandardScansWithProcessing, star-imported by localStation.py.

In gda-bridge every session already processes each 1-D scan (maxval, minval, com, peak: see
docs/analysis.md) and binds ``go``; this module makes the names GDA's version made:
``scan_processor`` (whose ``go`` is the session's), ``go``, and the scan objects ``scan``,
``rscan``, ``cscan``, ``ascan``, ``a2scan``, ``a3scan``, ``mesh``, ``dscan``, ``d2scan``,
``d3scan``, aliased as GDA aliased them. The processing is not run a second time by them.
"""

from typing import Any

from gdascripts.scan import gdascans, specscans

from gda_bridge.scans.context import context


def _runner() -> Any:
    from gda_bridge.jython.runner import current_runner

    return current_runner()


class ScanDataProcessor:
    """The session's post-scan processing as GDA scripts reach it (``scan_processor.go(peak)``)."""

    processors = ("maxval", "minval", "com", "peak")

    def __init__(self, session_go: Any) -> None:
        if getattr(session_go, "__self__", None).__class__ is ScanDataProcessor:
            session_go = session_go.__self__._go  # imported again: keep the session's own go
        self._go = session_go

    def go(self, target: Any) -> Any:
        if self._go is None:
            raise NameError("go: this session has no post-scan processing (run scripts with gda-bridge run)")
        return self._go(target)

    def prepareForScan(self) -> None:  # noqa: N802 - GDA's name
        """Nothing to prepare: the session's processing follows every scan by itself."""

    def update(self, scan: Any) -> None:
        """Nothing to do: the session's processing has already reported on the scan."""

    def __repr__(self) -> str:
        return f"<scan_processor: {', '.join(self.processors)} after every 1-D scan>"


_out = context().output
_out("Setting up scan data processor, scan_processor")
scan_processor = ScanDataProcessor(_runner().namespace.get("go"))
go = scan_processor.go
_runner().alias("go")

_out("Creating spec-like commands:")
ascan = specscans.Ascan([scan_processor])
a2scan = specscans.A2scan([scan_processor])
a3scan = specscans.A3scan([scan_processor])
mesh = specscans.Mesh([scan_processor])
dscan = specscans.Dscan([scan_processor])
d2scan = specscans.D2scan([scan_processor])
d3scan = specscans.D3scan([scan_processor])
for _name, _command in (("ascan", ascan), ("a2scan", a2scan), ("a3scan", a3scan), ("mesh", mesh),
                        ("dscan", dscan), ("d2scan", d2scan), ("d3scan", d3scan)):
    _runner().alias(_name)
    _out(_command.__doc__.split("\n")[3])

_out("Creating gda scan commands:")
scan = gdascans.Scan([scan_processor])
rscan = gdascans.Rscan([scan_processor])
cscan = gdascans.Cscan([scan_processor])
for _name, _command in (("scan", scan), ("rscan", rscan), ("cscan", cscan)):
    _runner().alias(_name)
    _out(_command.__doc__.split("\n")[2])

__all__ = [
    "a2scan", "a3scan", "ascan", "cscan", "d2scan", "d3scan", "dscan", "go", "mesh", "rscan", "scan",
    "scan_processor",
]
