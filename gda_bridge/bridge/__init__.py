"""The only door to the JVM: its lifecycle, conversions, device proxies and the Java engine."""

from gda_bridge.bridge.adapters import adapter_of, is_java, to_java_device
from gda_bridge.bridge.engine import JavaScan, ScanDevice, is_device
from gda_bridge.bridge.errors import java_errors
from gda_bridge.bridge.interrupts import clear_interrupt, interruptible
from gda_bridge.bridge.jvm import add_classpath, add_jvm_options, ensure_jvm, jclass, jvm_ready, when_started
from gda_bridge.bridge.packages import is_java_package, java_member, java_names

__all__ = [
    "JavaScan",
    "ScanDevice",
    "adapter_of",
    "clear_interrupt",
    "add_classpath",
    "add_jvm_options",
    "ensure_jvm",
    "interruptible",
    "is_device",
    "is_java",
    "is_java_package",
    "java_errors",
    "jclass",
    "jvm_ready",
    "java_member",
    "java_names",
    "to_java_device",
    "when_started",
]
