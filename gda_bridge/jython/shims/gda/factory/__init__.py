"""gda.factory.Finder: objects registered from Python, then the Java core's Finder.

``Finder.find(name)`` returns None for an unknown name, as the old GDA Finder did (scripts test
``if Finder.find("x") is not None``); ``Finder.getInstance().find(name)`` works too.
"""

import logging
from typing import Any

from gda_bridge.bridge import is_java, jclass
from gda_bridge.jython.importer import java_fallback

log = logging.getLogger("gda_bridge.jython")
_python_objects: dict[str, Any] = {}


class Finder:
    @staticmethod
    def getInstance() -> type["Finder"]:  # noqa: N802
        return Finder

    @staticmethod
    def register(name: str, obj: Any) -> None:
        """Register a device by name (a Java object also goes into the Java Finder)."""
        if is_java(obj):
            jclass("gda.factory.Finder").register(str(name), obj)
            _python_objects.pop(str(name), None)
        else:
            _python_objects[str(name)] = obj

    @staticmethod
    def find(name: str) -> Any:
        """Python registrations, then the Java Finder, then gda-bridge's own findables
        (``GDAMetadata``, ``metashop``: see gda.data.metadata)."""
        if str(name) in _python_objects:
            return _python_objects[str(name)]
        found = jclass("gda.factory.Finder").findOptional(str(name))
        if found.isPresent():
            return found.get()
        from gda.data.metadata import FINDABLES

        if str(name) in FINDABLES:
            return FINDABLES[str(name)]
        log.info("Finder: no object named %r", name)
        return None

    @staticmethod
    def findOptional(name: str) -> Any:  # noqa: N802
        return Finder.find(name)

    @staticmethod
    def listAllNames() -> list[str]:  # noqa: N802
        return [*_python_objects, *(str(n) for n in jclass("gda.factory.Finder").listAllNames())]

    @staticmethod
    def listFindablesOfType(cls: type) -> list[Any]:  # noqa: N802
        """Objects that are instances of ``cls`` (a Python class or a Java interface)."""
        out = [o for o in _python_objects.values() if isinstance(o, cls)]
        java_finder = jclass("gda.factory.Finder")
        out += [java_finder.find(n) for n in java_finder.listAllNames() if isinstance(java_finder.find(n), cls)]
        return out

    getFindablesOfType = listFindablesOfType  # noqa: N815

    @staticmethod
    def remove(name: str) -> Any:
        if str(name) in _python_objects:
            return _python_objects.pop(str(name))
        return jclass("gda.factory.Finder").remove(str(name))


__all__ = ["Finder"]
__getattr__ = java_fallback(__name__)
