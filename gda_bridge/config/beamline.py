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
motor = "@m1"                      # "@name": another device of this file (made first)

[devices.det]
driver = "java"                    # a Java class implementing gda.device.Scannable or Detector
class = "org.example.MyDetector"
args = ["det"]                     # constructor arguments
properties = { collectionTime = 0.1 }   # set<Name>(value) after construction

[devices.i0]
driver = "pv_monitor"
pv = "{prefix}i0"
optional = true                    # if it cannot be made: a warning, and the session goes on

[[suspenders]]                     # hold scans while the beam is lost (docs/suspenders.md)
name = "ring current"
pv = "{prefix}ring:current"        # or device = "ring" (a device above with a pv)
below = 10.0                       # or above = / equals = "Closed" / not_equals =
units = "mA"
resume_after = 5.0                 # seconds the condition must stay good before the scan goes on
max_suspend = 600                  # a longer suspension ends the scan as failed

[[suspenders]]
disconnect = true                  # hold a scan while one of its devices has lost its IOC
```
Devices are made concurrently (those naming "@another" after it), so N devices whose PVs do not
connect fail together within one connection timeout.
"""

from __future__ import annotations

import logging
import os
import tomllib
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

from gda_bridge.config.suspenders import SuspenderSpec, parse_suspender
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
    optional: bool = False
    """If it cannot be made, the session goes on without it (with a warning saying why)."""


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
    suspenders: list[SuspenderSpec] = field(default_factory=list)


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
    unknown = set(raw) - {"beamline", "vars", "devices", "nexus", "analysis", "epics", "suspenders"}
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
        optional = spec.get("optional", False)
        if not isinstance(optional, bool):
            raise ConfigError(f"{where}: optional must be true or false, not {optional!r}")
        params = _substitute({k: v for k, v in spec.items() if k not in ("driver", "optional")}, variables, where)
        config.devices.append(DeviceSpec(name, str(spec["driver"]), params, optional))
    suspenders = raw.get("suspenders", [])
    if not isinstance(suspenders, list):
        raise ConfigError(f"{path}: suspenders must be a list of tables ([[suspenders]])")
    for i, table in enumerate(suspenders, 1):
        where = f"{path}: [[suspenders]] #{i}"
        try:
            config.suspenders.append(parse_suspender(_substitute(table, variables, where), config.devices))
        except ValueError as exc:
            raise ConfigError(f"{where}: {exc}") from None
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
            raise ConfigError(f"{where}: {value!r} names no device of this configuration") from None
    if isinstance(value, list):
        return [_resolve_references(v, devices, where) for v in value]
    return value


def _references(value: Any) -> set[str]:
    if isinstance(value, str) and value.startswith("@"):
        return {value[1:]}
    if isinstance(value, list):
        return set().union(*(_references(v) for v in value)) if value else set()
    return set()


#: At most this many devices are being made (and connecting) at once.
MAX_PARALLEL = 16


def create_devices(config: BeamlineConfig, warn: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Make every device of the configuration, concurrently: a device waits only for the devices
    it names with "@name", so N devices whose PVs never connect take one connection timeout.
    Failures are gathered and raised as one error naming each failed device and why, after the
    others were made; an ``optional`` device that fails is left out, with a warning (logged and
    passed to ``warn``) naming it and why. The result is in the file's order."""
    from gda_bridge.bridge import add_classpath, ensure_jvm

    if config.classpath:
        missing = [str(p) for p in config.classpath if not p.exists()]
        if missing:
            raise ConfigError(f"{config.path}: classpath entries not found: {', '.join(missing)}")
        add_classpath(*config.classpath)
    # The JVM is started here, on the caller's thread: Ctrl-C reaches the thread that started it.
    ensure_jvm()
    drivers = available_drivers()
    specs = {spec.name: spec for spec in config.devices}
    made: dict[str, Any] = {}
    failed: dict[str, str] = {}
    waiting = {spec.name: _references(list(spec.params.values())) & set(specs) for spec in config.devices}
    running: dict[Future[Any], str] = {}

    def fail(name: str, why: str) -> None:
        failed[name] = why

    with ThreadPoolExecutor(min(MAX_PARALLEL, max(1, len(specs))), thread_name_prefix="gda-config") as pool:
        while waiting or running:
            for name in [n for n, needs in waiting.items() if not needs - set(made) - set(failed)]:
                needs = waiting.pop(name)
                broken = sorted(needs & set(failed))
                if broken:
                    fail(name, f"needs {', '.join('@' + b for b in broken)}, which failed")
                    continue
                running[pool.submit(_make_device, specs[name], dict(made), drivers)] = name
            if not running:
                for name, needs in waiting.items():  # only a reference cycle is left
                    fail(name, f"@ references form a cycle through {', '.join(sorted(needs))}")
                break
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                name = running.pop(future)
                try:
                    made[name] = future.result()
                    log.info("device %s: %s", name, specs[name].driver)
                except Exception as exc:  # gathered: one error names every device that failed
                    fail(name, str(exc) or type(exc).__name__)
    required = []
    for spec in config.devices:
        if spec.name not in failed:
            continue
        line = f"{spec.name} ({spec.driver}): {failed[spec.name]}"
        if spec.optional:
            message = f"optional device {line}; the session goes on without it"
            log.warning("%s", message)
            if warn is not None:
                warn(message)
        else:
            required.append(line)
    if required:
        raise ConfigError(f"{config.path}: {len(required)} device(s) failed: " + "; ".join(required))
    return {spec.name: made[spec.name] for spec in config.devices if spec.name in made}


def _make_device(spec: DeviceSpec, made: dict[str, Any], drivers: dict[str, Any]) -> Any:
    params = {k: _resolve_references(v, made, spec.name) for k, v in spec.params.items()}
    if spec.driver == "java":
        return _java_device(spec.name, params)
    ep = drivers.get(spec.driver)
    if ep is None:
        known = ", ".join(sorted([*drivers, "java"]))
        raise ConfigError(f"unknown driver {spec.driver!r} (known: {known})")
    return ep.load()(spec.name, **params)
