"""The composition root: builds a script namespace and wires what listens to every scan."""

from __future__ import annotations

import atexit
import logging
import os
import sys
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
from gda_bridge.scans.estimate import TimingHistory
from gda_bridge.scans.suspension import install_suspender, remove_suspender
from gda_bridge.session.files import ScanFiles, data_dir_for, snapshot_provider

log = logging.getLogger("gda_bridge.session")

PROCESSING_WAIT = 30.0


class Session:
    """One interactive or scripted session: a namespace, the scan files, post-scan analysis, ``go``.

    ``config`` is a beamline configuration (a TOML path, or a loaded BeamlineConfig) whose
    devices join the namespace; ``namespace`` is the dict the commands, devices and analysis
    results go into (a script's globals, a kernel's user namespace; a new dict by default);
    ``files=False`` writes no scan files (throw-away scans, numbered per process). The session
    wires itself to the scan context until ``close()``; a ``with`` block closes it.
    """

    def __init__(
        self,
        config: BeamlineConfig | str | os.PathLike[str] | None = None,
        *,
        ctx: ScanContext | None = None,
        namespace: dict[str, Any] | None = None,
        files: bool = True,
        variables: dict[str, str] | None = None,
    ) -> None:
        if config is not None and not isinstance(config, BeamlineConfig):
            config = _load(config, variables)
        self.ctx = ctx or context()
        self.config = config
        if namespace is None:
            namespace = {"__name__": "__main__"}
        self.namespace: dict[str, Any] = namespace
        for name in commands.__all__:
            namespace.setdefault(name, getattr(commands, name))
        for name in devices.__all__:
            namespace.setdefault(name, getattr(devices, name))
        self.runner: ScriptRunner | None = None
        self.aliases = default_aliases()
        self.device_names: list[str] = []
        self.wait_for_plots = False
        """True: a scan returns only after its plot and hooks are done (notebooks set it)."""
        self._closers: list[Callable[[], None]] = []
        self.files: ScanFiles | None = self._wire_files() if files else None
        self._wire_analysis()
        self._attach()
        if config is not None:
            try:
                self.add_devices(create_devices(config, warn=self.ctx.output))
                self.install_suspenders(config.suspenders)
            except Exception:
                self.close()
                raise

    @property
    def write_files(self) -> bool:
        """Whether the next scans write files; ``session.write_files = False`` for throw-away scans."""
        return self.files is not None and self.files.enabled

    @write_files.setter
    def write_files(self, on: bool) -> None:
        if self.files is None:
            if on:
                raise ValueError("this session was made with files=False; it cannot write files")
            return
        self.files.enabled = bool(on)

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _attach(self) -> None:
        previous = self.ctx.session
        self.ctx.session = self

        def detach() -> None:
            if self.ctx.session is self:
                self.ctx.session = previous

        self._closers.append(detach)

    def _setting(self, section: str) -> dict[str, Any]:
        return dict(self.config.settings.get(section, {})) if self.config else {}

    def _wire_files(self) -> ScanFiles:
        data_dir = data_dir_for(self.config.data_dir if self.config else None)
        beamline = self.config.name if self.config else "gda"
        files = ScanFiles(self.ctx, data_dir, beamline, **self._setting("nexus"))
        self._closers.append(files.close)
        timing, self.ctx.timing = self.ctx.timing, TimingHistory(data_dir)  # the beamline's estimates
        self._closers.append(lambda: setattr(self.ctx, "timing", timing))
        if self.config and self.config.metadata:
            names = list(self.config.metadata)
            provider = snapshot_provider(lambda: {n: self.find_device(n) for n in names}, commands.devices.position)
            self.ctx.metadata_providers.append(provider)
            self._closers.append(lambda: self.ctx.metadata_providers.remove(provider))
        return files

    def _wire_analysis(self) -> None:
        files = self.files
        self.processing = ScanProcessing(
            self.namespace,
            config=AnalysisConfig(**self._setting("analysis")),
            report=self.ctx.output,
            hooks=HOOKS,
            on_results=files.add_results if files else None,
            file_path=files.path_of if files else _no_file,
        )
        HOOKS.load_entry_points(report=self.ctx.output)
        unsubscribe = self.ctx.stream.subscribe(self.processing)
        self.ctx.after_scan.append(self._after_scan)
        self.namespace["go"] = self.go
        self._closers += [unsubscribe, lambda: self.ctx.after_scan.remove(self._after_scan), self.processing.close]

    def _after_scan(self, result: Any) -> None:
        """On the scan's thread before it returns: its lines and results are in, and ``result.wait()``
        (or, with ``wait_for_plots``, the scan itself) waits for its plot and hooks."""
        self.processing.wait_processed(PROCESSING_WAIT)
        post_scan = getattr(result, "post_scan", None)
        if post_scan is not None:
            post_scan.append(self.processing.wait_idle)
        if self.wait_for_plots and not self.processing.wait_idle(PROCESSING_WAIT):
            log.warning("post-scan work of scan %s still running after %.0f s", result.scan_number, PROCESSING_WAIT)

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
        return cls(path, variables=variables)

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


def _no_file(start: Any) -> None:
    return None


def _load(path: str | os.PathLike[str], variables: dict[str, str] | None) -> BeamlineConfig:
    config = load_config(path, variables)
    for key, value in config.settings.get("epics", {}).items():
        # pyepics reads these once, at its first Channel Access call; the caller's win
        os.environ.setdefault(f"EPICS_{key.upper()}", str(value))
    return config


def attach_default_session(ctx: ScanContext) -> Session:
    """The session a plain Python script gets at its first scan: files in the data folder, the
    folder's numbering, analysis results and ``go`` in the script's globals (``__main__``);
    closed when the interpreter exits."""
    main = sys.modules.get("__main__")
    namespace = main.__dict__ if main is not None else None
    session = Session(ctx=ctx, namespace=namespace)
    atexit.register(session.close)
    log.info("default session wired: scan files in %s", session.files.writer.data_dir if session.files else None)
    return session


def current(ctx: ScanContext | None = None) -> Session:
    """The session wired to the scan context; a plain script's default one if none is yet."""
    ctx = ctx or context()
    session = ctx.session if ctx.session is not None else attach_default_session(ctx)
    assert isinstance(session, Session)
    return session


def demo_devices() -> dict[str, Any]:
    """The simulated devices of the demo: a motor that takes real time and a peaked counter."""
    x = sim.SimMotor("x", speed=50.0, limits=(-10, 10), units="mm")
    det = sim.GaussianCounter("det", motor=x, centre=1.3, fwhm=0.8, peak=1000, noise=0.02, background=3.0)
    return {"x": x, "det": det}
