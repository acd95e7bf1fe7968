"""A beamline configuration file (TOML): the devices, their drivers and the session settings.

```toml
[beamline]
name = "BL99"                      # file names are <name>-<scan number>.nxs
data_dir = "~/gda_data"
script_paths = ["scripts"]         # where `run "name"` looks
legacy_paths = ["scripts/legacy"]  # files under these run as Python 2 (Jython) scripts
startup = ["scripts/localStation.py"]
classpath = ["drivers/mydetector.jar"]   # jars with Java drivers, added before the JVM starts
metadata = ["m1", "ring"]          # scannables recorded in every file before the scan

[vars]
prefix = "BL99:"                   # {prefix} in any string below is replaced

[epics]
ca_addr_list = "127.0.0.1:5064"    # sets EPICS_CA_ADDR_LIST unless the environment has it

[nexus]
frame_compression = "blosc"        # NexusWriter options (flush_interval, write_srs, ...)

[analysis]
processors = ["maxval", "minval", "com", "peak"]   # AnalysisConfig options

[devices.m1]
driver = "epics_motor"             # an entry point of the group gda_bridge.drivers
pv = "{prefix}m1"

[devices.det1]
driver = "gaussian_counter"
motor = "@m1"                      # "@name": a device made earlier in this file

[devices.det]
driver = "java"                    # a Java class implementing gda.device.Scannable or Detector
class = "org.example.MyDetector"
args = ["det"]                     # constructor arguments
properties = { collectionTime = 0.1 }   # set<Name>(value) after construction
```
"""

from __future__ import annotations

import logging
import os
import tomllib
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

from gda_bridge.core.errors import GdaBridgeError

log = logging.getLogger("gda_bridge.config")

DRIVER_GROUP = "gda_bridge.drivers"


class ConfigError(GdaBridgeError, ValueError):
    """The configuration file is wrong; the message names the file, the key and the problem."""


@dataclass
class DeviceSpec:
    name: str
    driver: str
    params: dict[str, Any]


@dataclass
class BeamlineConfig:
    path: Path | None
    name: str = "gda"
    data_dir: Path = field(default_factory=lambda: Path("~/gda_data").expanduser())
    script_paths: list[Path] = field(default_factory=list)
    legacy_paths: list[Path] = field(default_factory=list)
    startup: list[Path] = field(default_factory=list)
    classpath: list[Path] = field(default_factory=list)
    metadata: list[str] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)
    devices: list[DeviceSpec] = field(default_factory=list)


def _substitute(value: Any, variables: dict[str, str], where: str) -> Any:
    if isinstance(value, str):
        try:
            return value.format_map(variables)
        except KeyError as exc:
            raise ConfigError(f"{where}: unknown variable {{{exc.args[0]}}} in {value!r}") from None
    if isinstance(value, list):
        return [_substitute(v, variables, where) for v in value]
    if isinstance(value, dict):
        return {k: _substitute(v, variables, f"{where}.{k}") for k, v in value.items()}
    return value


def load_config(path: str | os.PathLike[str], variables: dict[str, str] | None = None) -> BeamlineConfig:
    """Read and check a configuration file; relative paths are relative to the file.
    ``variables`` override the file's ``[vars]`` (e.g. another PV prefix)."""
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text())
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such configuration file") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    unknown = set(raw) - {"beamline", "vars", "devices", "nexus", "analysis", "epics"}
    if unknown:
        raise ConfigError(f"{path}: unknown section(s) {', '.join(sorted(unknown))}")
    variables = {k: str(v) for k, v in raw.get("vars", {}).items()} | dict(variables or {})
    base = path.parent
    bl = _substitute(raw.get("beamline", {}), variables, f"{path}: [beamline]")

    def paths(key: str) -> list[Path]:
        value = bl.get(key, [])
        if isinstance(value, str):
            value = [value]
        return [(base / Path(v).expanduser()).resolve() for v in value]

    config = BeamlineConfig(
        path=path,
        name=str(bl.get("name", "gda")),
        data_dir=(base / Path(bl.get("data_dir", "~/gda_data")).expanduser()).resolve(),
        script_paths=paths("script_paths"),
        legacy_paths=paths("legacy_paths"),
        startup=paths("startup"),
        classpath=paths("classpath"),
        metadata=[str(m) for m in bl.get("metadata", [])],
        settings={k: _substitute(raw[k], variables, f"{path}: [{k}]") for k in ("nexus", "analysis", "epics") if k in raw},
    )
    for name, spec in raw.get("devices", {}).items():
        where = f"{path}: [devices.{name}]"
        if not isinstance(spec, dict) or "driver" not in spec:
            raise ConfigError(f"{where}: needs a driver (e.g. driver = \"sim_motor\")")
        params = _substitute({k: v for k, v in spec.items() if k != "driver"}, variables, where)
        config.devices.append(DeviceSpec(name, str(spec["driver"]), params))
    return config


def available_drivers() -> dict[str, Any]:
    """Driver name -> entry point, from every installed package."""
    return {ep.name: ep for ep in entry_points(group=DRIVER_GROUP)}


def _java_device(name: str, params: dict[str, Any]) -> Any:
    from gda_bridge.bridge import jclass

    cls_name = params.get("class")
    if not cls_name:
        raise ConfigError(f"device {name}: a java driver needs class = \"...\"")
    try:
        cls = jclass(str(cls_name))
    except Exception as exc:
        raise ConfigError(f"device {name}: Java class {cls_name} not found on the classpath ({exc})") from None
    device = cls(*params.get("args", [name]))
    for prop, value in params.get("properties", {}).items():
        setter = getattr(device, "set" + prop[:1].upper() + prop[1:], None)
        if setter is None:
            raise ConfigError(f"device {name}: {cls_name} has no setter for property {prop!r}")
        setter(value)
    if not isinstance(device, jclass("gda.device.Scannable")):
        raise ConfigError(f"device {name}: {cls_name} does not implement gda.device.Scannable")
    return device


def _resolve_references(value: Any, devices: dict[str, Any], where: str) -> Any:
    if isinstance(value, str) and value.startswith("@"):
        try:
            return devices[value[1:]]
        except KeyError:
            raise ConfigError(f"{where}: {value!r} names no device made before it") from None
    if isinstance(value, list):
        return [_resolve_references(v, devices, where) for v in value]
    return value


def create_devices(config: BeamlineConfig) -> dict[str, Any]:
    """Make every device of the configuration. Failures are gathered and raised as one error
    naming each failed device and why, after the others were made."""
    from gda_bridge.bridge import add_classpath

    if config.classpath:
        missing = [str(p) for p in config.classpath if not p.exists()]
        if missing:
            raise ConfigError(f"{config.path}: classpath entries not found: {', '.join(missing)}")
        add_classpath(*config.classpath)
    drivers = available_drivers()
    devices: dict[str, Any] = {}
    failures: list[str] = []
    for spec in config.devices:
        try:
            params = {k: _resolve_references(v, devices, spec.name) for k, v in spec.params.items()}
            if spec.driver == "java":
                devices[spec.name] = _java_device(spec.name, params)
                continue
            ep = drivers.get(spec.driver)
            if ep is None:
                known = ", ".join(sorted([*drivers, "java"]))
                raise ConfigError(f"unknown driver {spec.driver!r} (known: {known})")
            factory = ep.load()
            devices[spec.name] = factory(spec.name, **params)
            log.info("device %s: %s", spec.name, spec.driver)
        except Exception as exc:  # gathered: one error names every device that failed
            failures.append(f"{spec.name} ({spec.driver}): {exc}")
    if failures:
        raise ConfigError(f"{config.path}: {len(failures)} device(s) failed: " + "; ".join(failures))
    return devices
