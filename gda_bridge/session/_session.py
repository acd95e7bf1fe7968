"""The composition root: builds a script namespace and wires what listens to every scan."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable
from typing import Any

import gda_bridge.commands as commands
import gda_bridge.devices as devices
from gda_bridge.analysis import HOOKS, AnalysisConfig, ScanProcessing
from gda_bridge.config import BeamlineConfig, ConfigError, create_devices, load_config
from gda_bridge.config.suspenders import SuspenderSpec
from gda_bridge.core.suspenders import Suspender
from gda_bridge.devices import sim
from gda_bridge.devices.base import format_value
from gda_bridge.jython.runner import ScriptRunner, default_aliases
from gda_bridge.jython.translate import TranslationError, translate_source
from gda_bridge.scans.context import ScanContext, context
from gda_bridge.scans.suspension import install_suspender, remove_suspender
from gda_bridge.session.files import ScanFiles, data_dir_for, snapshot_provider

log = logging.getLogger("gda_bridge.session")

PROCESSING_WAIT = 30.0


class Session:
    """One interactive or scripted session: a namespace, the scan table and post-scan analysis."""

    def __init__(self, ctx: ScanContext | None = None, config: BeamlineConfig | None = None) -> None:
        self.ctx = ctx or context()
        self.config = config
        self.namespace: dict[str, Any] = {"__name__": "__main__"}
        for name in commands.__all__:
            self.namespace[name] = getattr(commands, name)
        for name in devices.__all__:
            self.namespace[name] = getattr(devices, name)
        self.runner: ScriptRunner | None = None
        self.aliases = default_aliases()
        self.device_names: list[str] = []
        self._closers: list[Callable[[], None]] = []
        self._wire_files()
        self._wire_analysis()

    def _setting(self, section: str) -> dict[str, Any]:
        return dict(self.config.settings.get(section, {})) if self.config else {}

    def _wire_files(self) -> None:
        data_dir = data_dir_for(self.config.data_dir if self.config else None)
        beamline = self.config.name if self.config else "gda"
        self.files = ScanFiles(self.ctx, data_dir, beamline, **self._setting("nexus"))
        self._closers.append(self.files.close)
        if self.config and self.config.metadata:
            names = list(self.config.metadata)
            provider = snapshot_provider(lambda: {n: self.find_device(n) for n in names}, commands.devices.position)
            self.ctx.metadata_providers.append(provider)
            self._closers.append(lambda: self.ctx.metadata_providers.remove(provider))

    def _wire_analysis(self) -> None:
        self.processing = ScanProcessing(
            self.namespace,
            config=AnalysisConfig(**self._setting("analysis")),
            report=self.ctx.output,
            hooks=HOOKS,
            on_results=self.files.add_results,
            file_path=self.files.path_of,
        )
        HOOKS.load_entry_points(report=self.ctx.output)
        unsubscribe = self.ctx.stream.subscribe(self.processing)
        wait = lambda result: self.processing.wait_processed(PROCESSING_WAIT)  # noqa: E731
        self.ctx.after_scan.append(wait)
        self.namespace["go"] = self.go
        self._closers += [unsubscribe, lambda: self.ctx.after_scan.remove(wait), self.processing.close]

    def go(self, target: Any) -> None:
        """go peak: move the scanned scannable to where a processor found its feature."""
        name, position = self.processing.go_target(target)
        device = self.find_device(name)
        shown = format_value(device.getOutputFormat()[0], position) if device.getOutputFormat() else position
        self.ctx.output(f"Moving {name} to {shown}")
        commands.pos(device, position)

    def make_runner(
        self,
        script_paths: Iterable[str | os.PathLike[str]] = (),
        legacy_paths: Iterable[str | os.PathLike[str]] = (),
        mode: str | None = None,
        translate_imports: bool = True,
    ) -> ScriptRunner:
        """The session's script runner (`run "name"`, aliases, start-up scripts), on its namespace,
        with the configuration's script and legacy paths before the given ones."""
        config = self.config
        self.runner = ScriptRunner(
            namespace=self.namespace,
            script_paths=[*(config.script_paths if config else []), *script_paths],
            legacy_paths=[*(config.legacy_paths if config else []), *legacy_paths],
            mode=mode,
            translate_imports=translate_imports,
            aliases=self.aliases,
        )
        return self.runner

    def run_startup(self, extra: Iterable[str | os.PathLike[str]] = ()) -> None:
        """Run the configuration's start-up scripts (localStation.py), then ``extra``."""
        runner = self.runner or self.make_runner()
        runner.run_startup([*(self.config.startup if self.config else []), *extra])

    def translate(self, text: str, filename: str = "<console>") -> str:
        """GDA command syntax (`pos x 1`) to Python; text it cannot translate is left for Python
        to report on the user's own words."""
        try:
            return translate_source(text, filename, "py3", self.aliases, cache=None)
        except TranslationError:
            return text

    def find_device(self, name: str) -> Any:
        """The namespace's device called ``name`` (by variable name, else by getName())."""
        device = self.namespace.get(name)
        if device is not None and commands.devices.is_scannable(device):
            return device
        for value in self.namespace.values():
            if commands.devices.is_scannable(value) and value.getName() == name:
                return value
        raise NameError(f"no scannable named {name!r} in this session")

    @classmethod
    def from_config(cls, path: str | os.PathLike[str] | None, variables: dict[str, str] | None = None) -> Session:
        """A session with the devices of a configuration file (none without one)."""
        config = load_config(path, variables) if path else None
        if config is not None:
            for key, value in config.settings.get("epics", {}).items():
                # pyepics reads these once, at its first Channel Access call; the caller's win
                os.environ.setdefault(f"EPICS_{key.upper()}", str(value))
        session = cls(config=config)
        if config is not None:
            session.add_devices(create_devices(config, warn=session.ctx.output))
            try:
                session.install_suspenders(config.suspenders)
            except Exception:
                session.close()
                raise
        return session

    def install_suspenders(self, specs: Iterable[SuspenderSpec]) -> list[Suspender]:
        """Watch each configured condition and make every scan of the session honour it; they
        are closed with the session. Raises one ConfigError naming every one that failed."""
        specs = list(specs)
        if not specs:
            return []
        from gda_bridge.epics import DisconnectSuspender, PVSuspender

        made: list[Suspender] = []
        failures: list[str] = []
        for spec in specs:
            try:
                if spec.disconnect:
                    suspender: Suspender = DisconnectSuspender(
                        spec.name, resume_after=spec.resume_after, max_suspend=spec.max_suspend)
                else:
                    t = spec.threshold
                    assert spec.pv is not None and t is not None
                    suspender = PVSuspender(
                        spec.name, spec.pv, below=t.below, above=t.above, equals=t.equals,
                        not_equals=t.not_equals, units=spec.units, resume_after=spec.resume_after,
                        max_suspend=spec.max_suspend)
            except Exception as exc:  # gathered: one error names every suspender that failed
                failures.append(f"{spec.name}: {exc}")
                continue
            install_suspender(suspender, self.ctx)
            self._closers.append(lambda s=suspender: (remove_suspender(s, self.ctx), s.close()))
            made.append(suspender)
        if failures:
            where = self.config.path if self.config else "suspenders"
            raise ConfigError(f"{where}: {len(failures)} suspender(s) failed: " + "; ".join(failures))
        return made

    def add_devices(self, found: dict[str, Any]) -> None:
        self.namespace.update(found)
        self.device_names += [n for n in found if n not in self.device_names]

    def close(self) -> None:
        """End the session: its own closers (files, analysis), then every configured device that
        has ``close()`` (EPICS drivers drop their channels, so stopping an IOC afterwards is quiet)."""
        for close in reversed(self._closers):
            close()
        self._closers.clear()
        for name in reversed(self.device_names):
            close_device = getattr(self.namespace.get(name), "close", None)
            if callable(close_device):
                try:
                    close_device()
                except Exception:
                    log.warning("closing %s failed", name, exc_info=True)


def demo_devices() -> dict[str, Any]:
    """The simulated devices of the demo: a motor that takes real time and a peaked counter."""
    x = sim.SimMotor("x", speed=50.0, limits=(-10, 10), units="mm")
    det = sim.GaussianCounter("det", motor=x, centre=1.3, fwhm=0.8, peak=1000, noise=0.02, background=3.0)
    return {"x": x, "det": det}
