"""gda.jython: InterfaceProvider (terminal printing, scan status, the Jython namespace, the script
controller), the Jython status constants and JythonStatus, ScriptBase.checkForPauses and
JythonServerFacade."""

import enum
from typing import Any

from gda_bridge.commands.session import lastScanDataPoint
from gda_bridge.jython.importer import java_fallback
from gda_bridge.jython.interrupts import script_controller
from gda_bridge.scans.context import context


class Jython:
    """GDA's scan and script status codes."""

    IDLE = 0
    PAUSED = 1
    RUNNING = 2


class JythonStatus(enum.IntEnum):
    """GDA's JythonStatus (IDLE, PAUSED, RUNNING). Equal to the old ``Jython.IDLE``... integers too,
    so scripts written against either compare the scan status correctly."""

    IDLE = Jython.IDLE
    PAUSED = Jython.PAUSED
    RUNNING = Jython.RUNNING

    def __str__(self) -> str:
        return self.name


class _TerminalPrinter:
    def print(self, text: object) -> None:
        context().output(str(text))


class _ScanStatus:
    def getScanStatus(self) -> JythonStatus:  # noqa: N802
        return JythonStatus.RUNNING if context().running is not None else JythonStatus.IDLE

    def getLastScanDataPoint(self) -> Any:  # noqa: N802
        return lastScanDataPoint()


class _Namespace:
    def getFromJythonNamespace(self, name: str) -> Any:  # noqa: N802
        from gda_bridge.jython.runner import current_runner

        return current_runner().namespace.get(str(name))

    def placeInJythonNamespace(self, name: str, value: Any) -> None:  # noqa: N802
        from gda_bridge.jython.runner import current_runner

        current_runner().namespace[str(name)] = value


class _CommandRunner:
    def runCommand(self, command: str) -> None:  # noqa: N802
        from gda_bridge.jython.runner import current_runner

        current_runner().run_source(str(command), "<runCommand>")

    def evaluateCommand(self, expression: str) -> Any:  # noqa: N802
        from gda_bridge.jython.runner import current_runner

        return eval(str(expression), current_runner().namespace)

    def runScript(self, name: str) -> None:  # noqa: N802
        from gda_bridge.jython.runner import current_runner

        current_runner().run(str(name))


class _ScriptController:
    def pauseCurrentScript(self) -> None:  # noqa: N802
        script_controller().pause()

    def resumeCurrentScript(self) -> None:  # noqa: N802
        script_controller().resume()

    def haltCurrentScript(self) -> None:  # noqa: N802
        script_controller().abort()

    def getScriptStatus(self) -> JythonStatus:  # noqa: N802
        return JythonStatus.PAUSED if script_controller().paused else JythonStatus.RUNNING


_printer = _TerminalPrinter()
_status = _ScanStatus()
_namespace = _Namespace()
_commands = _CommandRunner()
_scripts = _ScriptController()


class InterfaceProvider:
    """The pieces of GDA's InterfaceProvider scripts use."""

    @staticmethod
    def getTerminalPrinter() -> _TerminalPrinter:  # noqa: N802
        return _printer

    @staticmethod
    def getScanStatusHolder() -> _ScanStatus:  # noqa: N802
        return _status

    getCurrentScanInformationHolder = getScanStatusHolder  # noqa: N815
    getScanDataPointProvider = getScanStatusHolder  # noqa: N815

    @staticmethod
    def getJythonNamespace() -> _Namespace:  # noqa: N802
        return _namespace

    @staticmethod
    def getCommandRunner() -> _CommandRunner:  # noqa: N802
        return _commands

    @staticmethod
    def getScriptController() -> _ScriptController:  # noqa: N802
        return _scripts


class JythonServerFacade:
    """The old single entry point: getInstance() has the methods of every provider above."""

    @staticmethod
    def getInstance() -> "JythonServerFacade":  # noqa: N802
        return _facade

    def print(self, text: object) -> None:
        _printer.print(text)

    def __getattr__(self, name: str) -> Any:
        for provider in (_status, _namespace, _commands, _scripts):
            if hasattr(provider, name):
                return getattr(provider, name)
        raise AttributeError(f"JythonServerFacade.{name} is not provided by gda-bridge")


_facade = JythonServerFacade()


class ScriptBase:
    """GDA's ScriptBase: scripts call checkForPauses() where they may be paused or stopped."""

    @staticmethod
    def checkForPauses() -> None:  # noqa: N802
        script_controller().check_for_pauses()

    @staticmethod
    def isPaused() -> bool:  # noqa: N802
        return script_controller().paused

    @staticmethod
    def setPaused(paused: bool) -> None:  # noqa: N802
        if paused:
            script_controller().pause()
        else:
            script_controller().resume()


__all__ = ["InterfaceProvider", "Jython", "JythonServerFacade", "JythonStatus", "ScriptBase"]
__getattr__ = java_fallback(__name__)
