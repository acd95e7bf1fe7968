"""GDA's ``help`` for the console: the commands with one line each, or one command's usage inline."""

from __future__ import annotations

import inspect
import pydoc
from collections.abc import Callable, Mapping
from typing import Any

# One line per GDA command, in the order a scientist meets them (what GDA's own help lists).
SUMMARIES: dict[str, str] = {
    "pos": "pos [x [position]]...: list the scannables, show one, or move them and show where they went",
    "upos": "upos x position: pos that prints the position while the move goes on",
    "inc": "inc x step: move x by step from where it is",
    "uinc": "uinc x step: inc that prints the position while the move goes on",
    "ls": "ls: every scannable with its position",
    "level": "level x [n]: show or set x's level (lower levels move first)",
    "scan": "scan scn start stop step [scn start stop step]... [det [time]]...: a step scan",
    "rscan": "rscan scn start stop step ... [det [time]]: scan relative to where each scannable is",
    "cscan": "cscan scn halfwidth step ... [det [time]]: scan centred on where each scannable is",
    "gscan": "gscan scn start stop step [det [time]]: GDA's grid scan of one scannable",
    "pscan": "pscan scn start step npoints ... [det [time]]: a scan by number of points",
    "mesh": "mesh m1 s1 f1 n1 m2 s2 f2 n2 time: a grid, m2 fastest",
    "ascan": "ascan motor start finish intervals time: SPEC-style scan",
    "a2scan": "a2scan m1 s1 f1 m2 s2 f2 intervals time: SPEC-style, two motors together",
    "a3scan": "a3scan m1 s1 f1 m2 s2 f2 m3 s3 f3 intervals time: SPEC-style, three motors",
    "dscan": "dscan motor start finish intervals time: ascan relative to where the motor is",
    "lup": "lup motor start finish intervals time: the same as dscan",
    "d2scan": "d2scan m1 s1 f1 m2 s2 f2 intervals time: dscan of two motors",
    "d3scan": "d3scan m1 s1 f1 m2 s2 f2 m3 s3 f3 intervals time: dscan of three motors",
    "flyscan": "flyscan scn start stop [step] det [exposure_time] [dead_time]: scn moves non-stop, det collected as it passes each step",
    "flyscancn": "flyscancn scn step npoints det [exposure_time] [dead_time]: a fly scan centred on where scn is",
    "fscan": "fscan scn start stop step ... flyscan fscn fstart fstop [fstep] det [time]: a fly scan nested in a step scan",
    "cvscan": "cvscan [outer start stop step] motor start stop step det exposure: one motion, det triggered by the motor's position-compare box",
    "timescan": "timescan [det...] npoints pause [time]: read the devices at fixed times",
    "tscan": "tscan npoints pause [time] scannable...: as timescan",
    "staticscan": "staticscan det...: one point, nothing moved",
    "testscan": "testscan <scan arguments>: say what a scan would do (or what is wrong), moving nothing",
    "go": "go peak: move the scanned scannable to where a processor found its feature",
    "lastScanDataPoint": "lastScanDataPoint(): the last point of the last (or running) scan",
    "pause": "pause(): pause the running scan before its next point",
    "resume": "resume(): resume a paused scan",
    "finish_early": "finish_early(): end the running scan after the point in progress",
    "abort": "abort(): stop every device and end the running scan",
    "add_default": "add_default det...: read these in every scan from now on",
    "remove_default": "remove_default det...: stop reading them in every scan",
    "list_defaults": "list_defaults: the devices every scan reads",
    "clear_defaults": "clear_defaults: no device is read in every scan any more",
    "meta_add": "meta_add name value: record a value in every following scan's file",
    "meta_rm": "meta_rm name: stop recording it",
    "set_spec_counters": "set_spec_counters det...: the detectors SPEC-style scans count with",
    "run": 'run "name": run a script from the script folders in this namespace',
    "alias": "alias name: make `name x y` mean name(x, y) from now on",
    "help": "help [command]: this list, or one command's usage",
}


def make_help(namespace: Mapping[str, Any], output: Callable[[str], None]) -> Callable[..., None]:
    """The console's ``help``: bare, the list of the namespace's GDA commands; ``help scan``, its
    usage printed inline (no pager, no interactive ``help>`` utility)."""

    def help(*things: Any) -> None:  # noqa: A001 - the command's GDA name
        if not things:
            width = max(len(name) for name in SUMMARIES)
            output("GDA commands (help <command> for its usage; Python's own: help(object)):")
            for name, summary in SUMMARIES.items():
                if name in namespace:
                    output(f"  {name:<{width}}  {summary}")
            return
        for thing in things:
            output(usage(thing))

    help.__doc__ = SUMMARIES["help"]
    return help


def usage(thing: Any) -> str:
    """A command's usage (its docstring), or for anything else pydoc's plain-text page."""
    name = getattr(thing, "__name__", None)
    doc = inspect.getdoc(thing) if callable(thing) else None
    if isinstance(name, str) and name in SUMMARIES:
        return doc or SUMMARIES[name]
    return pydoc.render_doc(thing, title="%s", renderer=pydoc.plaintext).rstrip()
