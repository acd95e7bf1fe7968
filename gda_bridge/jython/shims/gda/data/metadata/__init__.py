"""gda.data.metadata: the metadata a scan file records, as GDA scripts set it.

``GDAMetadataProvider.getInstance()`` (also ``Finder.find("GDAMetadata")``) holds named values:
``title`` becomes the file's ``/entry/title``, ``visit`` (or ``experiment_identifier``) its
``experiment_identifier``, any other name a field of ``/entry/user_metadata``. The ``metashop``
(``Finder.find("metashop")``, GDA's NXMetaDataProvider) records the positions of the scannables
added to it before every scan, in ``/entry/before_scan``. Both act on the scans that start after
the change.
"""

from typing import Any

from gda_bridge.commands import devices as dev
from gda_bridge.jython.importer import java_fallback
from gda_bridge.scans.context import context

_FILE_KEYS = {"title": "title", "visit": "experiment_identifier", "experiment_identifier": "experiment_identifier"}


class StoredMetadataEntry:
    """A named value (GDA's StoredMetadataEntry)."""

    def __init__(self, name: str, value: Any = "") -> None:
        self.name = str(name)
        self.value = value

    def getName(self) -> str:  # noqa: N802
        return self.name

    def getMetadataValue(self) -> Any:  # noqa: N802
        return self.value

    def setValue(self, value: Any) -> None:  # noqa: N802
        self.value = value

    def __repr__(self) -> str:
        return f"StoredMetadataEntry({self.name!r}, {self.value!r})"


class Metadata:
    """The session's metadata entries; each value is written into the scan files."""

    def __init__(self) -> None:
        self._entries: dict[str, StoredMetadataEntry] = {}

    def addMetadataEntry(self, entry: Any) -> None:  # noqa: N802
        self._entries[str(entry.getName())] = entry
        self._store(str(entry.getName()), entry.getMetadataValue())

    def getMetadataEntries(self) -> list[Any]:  # noqa: N802
        return list(self._entries.values())

    def getMetadataEntry(self, name: str) -> Any:  # noqa: N802
        return self._entries.get(str(name))

    def removeMetadataEntry(self, entry: Any) -> None:  # noqa: N802
        name = str(entry.getName() if hasattr(entry, "getName") else entry)
        self._entries.pop(name, None)
        md = context().metadata
        if name in _FILE_KEYS:
            md.pop(_FILE_KEYS[name], None)
        else:
            md.get("user", {}).pop(name, None)

    def getMetadataValue(self, name: str) -> Any:  # noqa: N802
        """The value, or None for a name never set (GDA gave an empty value or null)."""
        entry = self._entries.get(str(name))
        return None if entry is None else entry.getMetadataValue()

    def setMetadataValue(self, name: str, value: Any) -> None:  # noqa: N802
        entry = self._entries.get(str(name))
        if entry is None:
            self.addMetadataEntry(StoredMetadataEntry(str(name), value))
        else:
            entry.setValue(value)
            self._store(str(name), value)

    @staticmethod
    def _store(name: str, value: Any) -> None:
        md = context().metadata
        if name in _FILE_KEYS:
            md[_FILE_KEYS[name]] = str(value)
        else:
            md.setdefault("user", {})[name] = value


class GDAMetadataProvider:
    @staticmethod
    def getInstance(*_: Any) -> Metadata:  # noqa: N802
        return _metadata


class MetaShop:
    """GDA's metashop: scannables whose positions every scan records before it starts."""

    def __init__(self) -> None:
        self._scannables: list[Any] = []
        self._registered = False

    def add(self, *scannables: Any) -> None:
        for s in _flatten(scannables):
            if not dev.is_scannable(s):
                raise TypeError(f"metashop.add: {s!r} is not a scannable")
            if not any(s is t for t in self._scannables):
                self._scannables.append(s)
        if self._scannables and not self._registered:
            context().metadata_providers.append(self._snapshot)
            self._registered = True

    def remove(self, *scannables: Any) -> None:
        gone = _flatten(scannables)
        self._scannables = [s for s in self._scannables if not any(s is g for g in gone)]

    def clearDynamicScannableMetadata(self) -> None:  # noqa: N802
        self._scannables = []

    def getScannables(self) -> list[Any]:  # noqa: N802
        return list(self._scannables)

    def list(self, with_values: bool = False) -> str:
        """One line per scannable (with its position when asked)."""
        if with_values:
            return "\n".join(dev.formatted(s) for s in self._scannables)
        return "\n".join(dev.name_of(s) for s in self._scannables)

    def _snapshot(self) -> dict[str, Any]:
        snapshot = {}
        for s in self._scannables:
            names = [*s.getInputNames(), *s.getExtraNames()] or [dev.name_of(s)]
            values = dev.position(s)
            values = list(values) if isinstance(values, (list, tuple)) else [values]
            snapshot[dev.name_of(s)] = dict(zip((str(n) for n in names), values, strict=False))
        return {"snapshot": snapshot} if snapshot else {}


def _flatten(items: Any) -> list[Any]:
    out: list[Any] = []
    for item in items:
        if isinstance(item, (list, tuple)):
            out += _flatten(item)
        else:
            out.append(item)
    return out


_metadata = Metadata()
metashop = MetaShop()
FINDABLES = {"GDAMetadata": _metadata, "metashop": metashop}
"""What Finder.find gives for these names when nothing else is registered under them."""

__all__ = ["GDAMetadataProvider", "MetaShop", "Metadata", "StoredMetadataEntry", "metashop"]
__getattr__ = java_fallback(__name__)
