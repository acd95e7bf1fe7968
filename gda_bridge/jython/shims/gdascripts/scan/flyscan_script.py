"""gdascripts.scan.flyscan_script: GDA's software fly scans, as beamline scripts import them
(``from gdascripts.scan.flyscan_script import flyscan, flyscancn, fscan``); see docs/flyscan.md.

Each name runs the namespace's command (interrupts catchable as in GDA); ``fscan`` finds the
``flyscan`` or ``flyscancn`` among its arguments by name, so these and the namespace's mix.
"""

from typing import Any


def _command(name: str) -> Any:
    from gda_bridge.jython.runner import current_runner

    return current_runner().namespace_command(name)


def flyscan(*args: Any) -> Any:
    """flyscan scannable start stop [step] det [exposure_time] [dead_time] [other scannables]"""
    return _command("flyscan")(*args)


def flyscancn(*args: Any) -> Any:
    """flyscancn scannable step numberOfPoints det [exposure_time] [dead_time] [other scannables]"""
    return _command("flyscancn")(*args)


def fscan(*args: Any) -> Any:
    """fscan scn start stop step ... flyscan fscn fstart fstop [fstep] det [exposure_time] [dead_time]"""
    return _command("fscan")(*args)


def setflyscandeadtime(seconds: float) -> None:
    """The dead time flyscan adds to each point when none follows the exposure time."""
    from gda_bridge.commands.flyscan import setflyscandeadtime as set_dead_time

    set_dead_time(seconds)


def getflyscandeadtime() -> float:
    from gda_bridge.commands.flyscan import getflyscandeadtime as get_dead_time

    return get_dead_time()
