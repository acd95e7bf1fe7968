"""Beamline configuration: a TOML file naming the devices and their drivers."""

from gda_bridge.config.beamline import (
    BeamlineConfig,
    ConfigError,
    DeviceSpec,
    available_drivers,
    create_devices,
    load_config,
)

__all__ = ["BeamlineConfig", "ConfigError", "DeviceSpec", "available_drivers", "create_devices", "load_config"]
