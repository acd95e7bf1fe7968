"""gda.jython.commands: ScannableCommands and GeneralCommands (modules of functions, as Jython
let scripts import a Java class's static methods)."""

from gda_bridge.jython.importer import java_fallback

__getattr__ = java_fallback(__name__)
