"""Java packages and classes looked up by name, for the Jython-compatibility import shims.

A Python package named ``gda`` would hide the Java ``gda`` package, so the shims serve ``gda.*``
names themselves and fall back to the Java classes through these functions.
"""

from __future__ import annotations

from typing import Any

import _jpype
import jpype

from gda_bridge.bridge.jvm import ensure_jvm


def is_java_package(name: str) -> bool:
    """True when ``name`` (e.g. "gda.device") is a Java package on the classpath."""
    ensure_jvm()
    return bool(_jpype.isPackage(name))


def java_member(package: str, name: str) -> Any | None:
    """The Java class or subpackage ``package.name``, or None when there is none."""
    ensure_jvm()
    if not _jpype.isPackage(package):
        return None
    try:
        return getattr(jpype.JPackage(package), name)
    except AttributeError:
        return None


def java_names(package: str) -> list[str]:
    """The public classes and subpackages of a Java package (for dir() and star imports)."""
    ensure_jvm()
    if not _jpype.isPackage(package):
        return []
    return [n for n in dir(jpype.JPackage(package)) if not n.startswith("_")]


def serve_java_domain(top: str) -> None:
    """Let ``import top.x.y`` reach Java packages under ``top`` (e.g. "uk" for a beamline jar's
    ``uk.ac...`` classes); JPype serves only java, javax, com, org... by itself."""
    import jpype.imports

    ensure_jvm()
    jpype.imports.registerDomain(top)
