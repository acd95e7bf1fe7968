"""The one JVM of the process: started lazily, with a bounded heap and the bundled core jar.

A JVM cannot be restarted in a process, so options and extra jars must be set before the first
Java call; later requests to change them fail loudly instead of being ignored.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import jpype
import jpype.imports  # noqa: F401  (installs JPype's import finder for `import java...`)

from gda_bridge.core.errors import GdaBridgeError

log = logging.getLogger("gda_bridge.bridge")

DEFAULT_MAX_HEAP = "1g"
_lock = threading.RLock()  # re-entrant: start-up callbacks may call ensure_jvm
_extra_classpath: list[str] = []
_extra_options: list[str] = []
_on_start: list[Callable[[], None]] = []
_ready = False  # started, and the start-up callbacks have run
_starting = False


class JvmError(GdaBridgeError, RuntimeError):
    """The JVM cannot be started, or a setting came after it started."""


def core_jar() -> Path:
    """Path of the gda-core jar built into the package by the build backend."""
    jar = Path(str(resources.files("gda_bridge.bridge") / "lib" / "gda-core.jar"))
    if not jar.exists():
        raise JvmError(
            f"the Java core {jar} is missing: build it with `pip install -e .` "
            "(or `python build_support/gda_build.py`)"
        )
    return jar


def add_classpath(*entries: str | os.PathLike[str]) -> None:
    """Add jars or class folders (e.g. a driver's jar) before the JVM starts."""
    with _lock:
        if jpype.isJVMStarted():
            missing = [str(e) for e in entries if str(e) not in _extra_classpath]
            if missing:
                raise JvmError(f"the JVM is already running; cannot add {', '.join(missing)} to its classpath")
            return
        _extra_classpath.extend(str(Path(e)) for e in entries if str(e) not in _extra_classpath)


def add_jvm_options(*options: str) -> None:
    """Add JVM options (e.g. "-Dfoo=bar") before the JVM starts."""
    with _lock:
        if jpype.isJVMStarted():
            raise JvmError(f"the JVM is already running; cannot apply {' '.join(options)}")
        _extra_options.extend(options)


def _put_java_finder_first() -> None:
    # A `java/` folder on sys.path (the repository root has one) would otherwise be imported as a
    # namespace package named `java` and hide Java's own packages.
    finders = [f for f in sys.meta_path if type(f).__module__.startswith("jpype")]
    for f in finders:
        sys.meta_path.remove(f)
    sys.meta_path[:0] = finders


def jvm_ready() -> bool:
    """True once ensure_jvm has started the JVM and run the start-up callbacks."""
    return _ready


def when_started(callback: Callable[[], None]) -> None:
    """Run ``callback`` once the JVM runs: now if it does, else as ensure_jvm starts it (the JVM
    costs a second of start-up, so the layers above defer their Java set-up to this point)."""
    with _lock:
        if not _ready:
            _on_start.append(callback)
            return
    callback()


def ensure_jvm() -> None:
    """Start the JVM if it is not running yet; cheap to call at every entry point."""
    global _ready, _starting
    if _ready:
        return
    with _lock:
        if _ready or _starting:  # _starting: a start-up callback of this thread calls it again
            return
        _starting = True
        try:
            if not jpype.isJVMStarted():
                _start()
            while _on_start:
                _on_start.pop(0)()
        finally:
            _starting = False
        _ready = True


def _start() -> None:
    heap = os.environ.get("GDA_BRIDGE_JVM_HEAP", DEFAULT_MAX_HEAP)
    classpath = [str(core_jar()), *_extra_classpath]
    options = [f"-Xmx{heap}", "-Xss8m", *_extra_options]
    log.info("starting the JVM: %s, classpath %s", " ".join(options), os.pathsep.join(classpath))
    # interrupt=False: Ctrl-C interrupts the Java thread of the caller instead of letting the
    # JVM take SIGINT (which could end the process); Python then gets KeyboardInterrupt.
    jpype.startJVM(*options, classpath=classpath, interrupt=False, convertStrings=True)
    _put_java_finder_first()
    from gda_bridge.bridge import customizers

    customizers.install()
    _forward_java_logging()
    from gda_bridge.bridge.interrupts import take_signals_for_the_main_thread

    take_signals_for_the_main_thread()  # a SIGTERM before the first scan must not crash the JVM


@jpype.JImplements("gda.util.LogSink", deferred=True)
class _PythonLogSink:
    """The Java core's log records, into Python's logging as gda_bridge.java.<java logger>."""

    @jpype.JOverride
    def log(self, logger: str, level: int, message: str, thrown: str | None) -> None:
        py_level = (logging.ERROR if level >= 1000 else logging.WARNING if level >= 900
                    else logging.INFO if level >= 800 else logging.DEBUG)
        target = logging.getLogger(f"gda_bridge.java.{logger}")
        if target.isEnabledFor(py_level):
            target.log(py_level, "%s%s", message, f"\n{thrown}" if thrown else "")


def _forward_java_logging() -> None:
    level = jpype.JClass("java.util.logging.Level")
    jpype.JClass("gda.util.LogForwarder").install(_PythonLogSink(), level.INFO)


def jclass(name: str) -> type:
    """A Java class by its binary name, starting the JVM if needed."""
    ensure_jvm()
    return jpype.JClass(name)
