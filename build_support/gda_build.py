"""PEP 517 backend: compile the Java core with javac into a jar inside the package, then let
setuptools build the wheel. The core has no third-party jars, so this needs no network."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

from setuptools import build_meta as _setuptools
from setuptools.build_meta import (  # noqa: F401  (re-exported hooks)
    get_requires_for_build_editable,
    get_requires_for_build_sdist,
    get_requires_for_build_wheel,
    prepare_metadata_for_build_editable,
    prepare_metadata_for_build_wheel,
)

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "java" / "src" / "main" / "java"
JAR = ROOT / "gda_bridge" / "bridge" / "lib" / "gda-core.jar"


def _javac() -> str:
    java_home = os.environ.get("JAVA_HOME")
    if java_home and (Path(java_home) / "bin" / "javac").exists():
        return str(Path(java_home) / "bin" / "javac")
    found = shutil.which("javac")
    if not found:
        raise RuntimeError("javac (JDK 17 or newer) is needed to build gda-bridge's Java core")
    return found


def compile_java_core() -> Path:
    sources = sorted(str(p) for p in SOURCES.rglob("*.java"))
    with tempfile.TemporaryDirectory() as classes:
        subprocess.run(
            [_javac(), "--release", "17", "-encoding", "UTF-8", "-Xlint:all,-serial", "-d", classes, *sources],
            check=True,
        )
        JAR.parent.mkdir(parents=True, exist_ok=True)
        tmp = JAR.with_suffix(".tmp")
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as jar:
            jar.writestr("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\nCreated-By: gda-bridge\n\n")
            for path in sorted(Path(classes).rglob("*.class")):
                jar.write(path, path.relative_to(classes).as_posix())
        tmp.replace(JAR)
    return JAR


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    compile_java_core()
    return _setuptools.build_wheel(wheel_directory, config_settings, metadata_directory)


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    compile_java_core()
    return _setuptools.build_editable(wheel_directory, config_settings, metadata_directory)


def build_sdist(sdist_directory, config_settings=None):
    return _setuptools.build_sdist(sdist_directory, config_settings)


if __name__ == "__main__":
    print(compile_java_core())
