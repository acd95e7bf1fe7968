"""The ``gda-bridge`` command: demo, run, and the tools later issues add."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from pathlib import Path

from gda_bridge.cli.session import Session, demo_devices
from gda_bridge.config import ConfigError


def _demo(args: argparse.Namespace) -> int:
    from gda_bridge.commands import pos, scan

    session = Session()
    try:
        devs = demo_devices()
        session.add_devices(devs)
        x, det = devs["x"], devs["det"]
        print("gda-bridge demo: a simulated motor x (50 mm/s, limits -10:10) and a counter det peaked at x=1.3")
        pos(x, 5)
        result = scan(x, -2, 2, 0.1, det, 0.05)
        peak = session.namespace["peak"]
        print(f"{result!r}: fitted peak at x = {peak.result.pos:.4f}, fwhm = {peak.result.fwhm:.3f}")
        session.go(peak)
        return 0
    finally:
        session.close()


def _run(args: argparse.Namespace) -> int:
    from gda_bridge.jython.runner import ScriptRunner, format_user_error

    script = Path(args.script)
    if not script.is_file():
        print(f"gda-bridge run: no such script: {script}", file=sys.stderr)
        return 2
    session = Session.from_config(args.config)
    config = session.config
    try:
        runner = ScriptRunner(
            namespace=session.namespace,
            script_paths=[*(config.script_paths if config else []), *args.script_path],
            legacy_paths=[*(config.legacy_paths if config else []), *args.legacy_path],
            mode=args.mode,
            translate_imports=args.translate_imports,
        )
        try:
            runner.run_startup([*(config.startup if config else []), *args.startup])
            decision = runner.decide(script, script.read_text(encoding="utf-8", errors="surrogateescape"))
            print(f"gda-bridge run: {script} runs as {decision.reason}", file=sys.stderr)
            runner.run_file(script, args.script_args)
        except (KeyboardInterrupt, SystemExit):
            raise
        except Exception as exc:  # the user's error, shown as the user's own frames
            print(format_user_error(exc), file=sys.stderr)
            return 1
        return 0
    finally:
        session.close()


def _console(args: argparse.Namespace) -> int:
    from gda_bridge.cli.console import run_console

    session = Session.from_config(args.config)
    try:
        if args.demo_devices:
            session.add_devices(demo_devices())
        names = sorted(k for k, v in session.namespace.items() if hasattr(v, "getPosition") and not isinstance(v, type))
        banner = "gda-bridge console: GDA commands (pos x 1, scan x 0 10 1 det 0.1, go peak, ls, help pos) or Python 3."
        if names:
            banner += "\nDevices: " + ", ".join(names)
        run_console(session, banner=banner)
        return 0
    finally:
        session.close()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gda-bridge", description=__doc__)
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more log output (-vv for debug)")
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="scan a simulated beamline and print the table and the result")
    demo.set_defaults(func=_demo)
    run = sub.add_parser("run", help="run a script with the GDA commands and devices in its namespace")
    run.add_argument("--config", help="beamline configuration (TOML) whose devices the script sees")
    run.add_argument("--mode", choices=["py2", "py3"], help="language of scripts no pragma or legacy path decides")
    run.add_argument("--legacy-path", action="append", default=[], metavar="DIR", help="scripts under DIR are Python 2")
    run.add_argument("--script-path", action="append", default=[], metavar="DIR", help="where `run \"name\"` looks")
    run.add_argument("--startup", action="append", default=[], metavar="FILE", help="run FILE first (localStation.py)")
    run.add_argument("--translate-imports", action="store_true", help="translate modules imported from legacy paths")
    run.add_argument("script")
    run.add_argument("script_args", nargs=argparse.REMAINDER)
    run.set_defaults(func=_run)
    console = sub.add_parser("console", help="the interactive console (IPython with GDA command syntax)")
    console.add_argument("--config", help="beamline configuration (TOML)")
    console.add_argument("--demo-devices", action="store_true", help="add the demo's simulated x and det")
    console.set_defaults(func=_console)
    return parser


def main(argv: list[str] | None = None) -> int:
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `gda-bridge demo | head` ends quietly
    args = build_parser().parse_args(argv)
    level = [logging.WARNING, logging.INFO, logging.DEBUG][min(args.verbose, 2)]
    logging.basicConfig(level=level, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("Interrupted: every device was stopped.", file=sys.stderr)
        return 130
    except ConfigError as exc:
        print(f"gda-bridge: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
