"""GDA's commands for scripts and the console: moves, scans and session utilities."""

from gda_bridge.commands.cvscan import cvscan
from gda_bridge.commands.flyscan import flyscan, flyscancn, fscan, getflyscandeadtime, setflyscandeadtime
from gda_bridge.commands.motion import inc, pos, uinc, upos
from gda_bridge.commands.scanning import (
    a2scan,
    a3scan,
    ascan,
    cscan,
    d2scan,
    d3scan,
    dscan,
    gscan,
    lup,
    mesh,
    pscan,
    rscan,
    scan,
    staticscan,
    testscan,
    timescan,
    tscan,
)
from gda_bridge.commands.session import (
    abort,
    add_default,
    clear_defaults,
    finish_early,
    go,
    lastScanDataPoint,
    level,
    list_defaults,
    ls,
    ls_names,
    meta_add,
    meta_rm,
    pause,
    remove_default,
    resume,
    set_spec_counters,
)

__all__ = [
    "a2scan", "a3scan", "abort", "add_default", "ascan", "clear_defaults", "cscan", "cvscan", "d2scan",
    "d3scan", "dscan", "finish_early", "flyscan", "flyscancn", "fscan", "getflyscandeadtime", "go", "gscan", "inc", "lastScanDataPoint", "level",
    "list_defaults", "ls", "ls_names", "lup", "mesh", "meta_add", "meta_rm", "pause", "pos",
    "pscan", "remove_default", "resume", "rscan", "scan", "set_spec_counters", "setflyscandeadtime", "staticscan",
    "testscan", "timescan", "tscan", "uinc", "upos",
]
