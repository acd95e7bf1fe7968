"""The ``gda-bridge`` command: demo, run, server, token, client, and the tools later issues add."""

from __future__ import annotations

import argparse
import logging
import runpy
import signal
import sys
from pathlib import Path

from gda_bridge.server.cli import add_commands as add_server_commands


def _demo(args: argparse.Namespace) -> int:
    from gda_bridge.cli.session import Session, demo_devices
    from gda_bridge.commands import pos, scan

    session = Session()
    try:
        devs = demo_devices()
        x, det = devs["x"], devs["det"]
        print("gda-bridge demo: a simulated motor x (50 mm/s, limits -10:10) and a counter det peaked at x=1.3")
        pos(x, 5)
        result = scan(x, -2, 2, 0.1, det, 0.05)
        peak_at = float(result["x"][result["det"].argmax()])
        print(f"{result!r}: det is highest ({result['det'].max():.1f}) at x = {peak_at:.4f}")
        return 0
    finally:
        session.close()


def _run(args: argparse.Namespace) -> int:
    script = Path(args.script)
    if not script.is_file():
        print(f"gda-bridge run: no such script: {script}", file=sys.stderr)
        return 2
    from gda_bridge.cli.session import Session

    session = Session()
    try:
        namespace = dict(session.namespace)
        namespace["__file__"] = str(script)
        sys.argv = [str(script), *args.script_args]
        runpy.run_path(str(script), init_globals=namespace, run_name="__main__")
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
    run.add_argument("script")
    run.add_argument("script_args", nargs=argparse.REMAINDER)
    run.set_defaults(func=_run)
    add_server_commands(sub)
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


if __name__ == "__main__":
    sys.exit(main())
