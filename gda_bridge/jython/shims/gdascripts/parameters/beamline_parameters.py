"""gdascripts.parameters.beamline_parameters: settings read from ``key = value`` files.

A line holds a key and a value separated by ``=`` or whitespace (or both); ``#`` starts a comment;
values are strings. The files are named by GDA's properties (LocalProperties, i.e. Java system
properties here): ``gda.jython.beamlineParametersFile`` for ``Parameters()``,
``gda.jython.namespaceMappingFile`` and ``gda.jython.finderNameMappingFile`` for the mappings.
"""

import re
from pathlib import Path
from typing import Any

from gda.factory import Finder
from gda.jython import InterfaceProvider

from gda_bridge.bridge import jclass

JYTHON_NAMESPACE_MAPPING_FILE_PROPERTY = "gda.jython.namespaceMappingFile"
FINDER_NAME_MAPPING_FILE_PROPERTY = "gda.jython.finderNameMappingFile"
BEAMLINE_PARAMETERS_FILE_PROPERTY = "gda.jython.beamlineParametersFile"

_LINE = re.compile(r"^(?P<key>[^=\s]+)\s*(?:=\s*|\s+)?(?P<value>.*)$")


def _property(name: str) -> str | None:
    value = jclass("gda.configuration.properties.LocalProperties").get(name)
    return None if value is None else str(value)


def readDictionaryFromFile(mappingFile: str, mapping: dict[str, str]) -> dict[str, str]:  # noqa: N802, N803
    """Add the file's ``key = value`` lines to ``mapping`` and return it."""
    for line in Path(mappingFile).read_text().splitlines():
        line = line.split("#")[0].strip()
        if not line:
            continue
        m = _LINE.match(line)
        mapping[m.group("key")] = m.group("value").strip()
    return mapping


class Parameters:
    """``Parameters(path)``: the settings of a file as attributes or items (``p.energy``, ``p["energy"]``)."""

    def __init__(self, parametersFilePath: str | None = None) -> None:  # noqa: N803
        self.reload(parametersFilePath)

    def reload(self, parametersFilePath: str | None = None) -> None:  # noqa: N803
        path = parametersFilePath or _property(BEAMLINE_PARAMETERS_FILE_PROPERTY)
        if path is None:
            raise AttributeError(f"property {BEAMLINE_PARAMETERS_FILE_PROPERTY} is not set")
        self.__dict__["parametersFilePath"] = path
        self.__dict__["parameters"] = readDictionaryFromFile(path, {})

    def __getattr__(self, name: str) -> str:
        parameters = self.__dict__.get("parameters", {})
        if name in parameters:
            return parameters[name]
        raise AttributeError(f"{name} is not in {self.__dict__.get('parametersFilePath')}")

    __getitem__ = __getattr__

    def getValueOrNone(self, name: str) -> str | None:  # noqa: N802
        return self.parameters.get(name)

    def getValueFromObjectOrNone(self, name: str, obj: Any) -> Any:  # noqa: N802
        return getattr(obj, self.parameters[name]) if name in self.parameters else None

    def saveToFile(self, filePath: str) -> None:  # noqa: N802, N803
        Path(filePath).write_text("".join(f"{k}={v}\n" for k, v in self.parameters.items()))


class DictionaryWrapper:
    """A dict whose keys are also attributes."""

    def __init__(self, mapping: dict[str, Any]) -> None:
        self.__dict__["map"] = mapping

    def __getattr__(self, name: str) -> Any:
        if name in self.__dict__["map"]:
            return self.__dict__["map"][name]
        raise AttributeError(name)

    __getitem__ = __getattr__


class _Mapping:
    """Names mapped through a file to the names objects are known by, then looked up."""

    property_name = ""

    def __init__(self, source: Any = None) -> None:
        self.reload(source)

    def reload(self, source: Any = None) -> None:
        self.__dict__["source"] = source if source is not None else self._default_source()
        path = _property(self.property_name)
        self.__dict__["mapping"] = readDictionaryFromFile(path, {}) if path else {}

    def _default_source(self) -> Any:
        raise NotImplementedError

    def _lookup(self, name: str) -> Any:
        raise NotImplementedError

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        target = self.__dict__["mapping"].get(name, name)
        found = self._lookup(target)
        if found is None:
            raise AttributeError(f"no object named {target!r} (for attribute {name!r})")
        return found

    __getitem__ = __getattr__


class JythonNameSpaceMapping(_Mapping):
    """``JythonNameSpaceMapping().ion_chamber``: the namespace object the mapping file names."""

    property_name = JYTHON_NAMESPACE_MAPPING_FILE_PROPERTY

    def _default_source(self) -> Any:
        return InterfaceProvider.getJythonNamespace()

    def _lookup(self, name: str) -> Any:
        return self.__dict__["source"].getFromJythonNamespace(name)


class FinderNameMapping(_Mapping):
    """``FinderNameMapping().sample_x``: the Finder object the mapping file names."""

    property_name = FINDER_NAME_MAPPING_FILE_PROPERTY

    def _default_source(self) -> Any:
        return Finder.getInstance()

    def _lookup(self, name: str) -> Any:
        return self.__dict__["source"].find(name)
