"""gda.data.scan.datawriter: GDA's writer classes, importable so that scripts naming them load;
gda-bridge's session writes every scan's NeXus file itself, so making one is refused."""

from typing import Any

from gda_bridge.jython.importer import java_fallback


class _NotOurWriter:
    def __init__(self, *args: Any) -> None:
        raise NotImplementedError(
            f"{type(self).__name__}: gda-bridge writes each scan's NeXus file itself (docs/nexus.md); "
            "a script cannot make GDA's data writers"
        )


class NexusDataWriter(_NotOurWriter):
    pass


class DefaultDataWriterFactory(_NotOurWriter):
    pass


__all__ = ["DefaultDataWriterFactory", "NexusDataWriter"]
__getattr__ = java_fallback(__name__)
