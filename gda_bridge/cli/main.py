"""The ``gda-bridge`` command: demo, run, recover, timeline, server, token, client, and the tools later issues add."""

from __future__ import annotations

import argparse
import logging
import os
import select
import sys
from pathlib import Path

from gda_bridge.cli.recover import add_command as add_recover_command
from gda_bridge.config import ConfigError
from gda_bridge.server.cli import add_commands as add_server_commands


def _demo(args: argparse.Namespace) -> int:
    """Start the simulated beamline IOC, scan its EPICS devices, stop it again."""
    from importlib import resources

    from gda_bridge.commands import cvscan, pos, scan
    from gda_bridge.session import Session
    from gda_bridge.sim_ioc import client_environment, start_ioc

    print("gda-bridge demo: starting the simulated beamline IOC (Channel Access on 127.0.0.1)")
    with start_ioc(prefix="DEMO:", args=("--frame-size", args.frame_size)) as ioc:
        os.environ.update(client_environment([ioc.port]))  # before the first Channel Access call
        config = resources.files("gda_bridge.examples") / "sim_beamline.toml"
        session = Session.from_config(str(config), variables={"prefix": ioc.prefix})
        try:
            ns = session.namespace
            m1, ct, cam = ns["m1"], ns["ct"], ns["cam"]
            print(f"IOC {ioc.prefix} on port {ioc.port}; devices: {', '.join(session.device_names)}")
            pos(m1, 2.5)
            first = scan(m1, -1, 1, 0.05, ct, 0.01)
            _show_timeline(first.path)
            peak = ns["peak"]
            print(f"fitted peak at m1 = {peak.result.pos:.4f} (the IOC's peak is at 0.1), fwhm = {peak.result.fwhm:.3f}")
            session.go(peak)
            frames = scan(m1, 0, 1, 0.1, cam, 0.01)
            scan_file = Path(frames.path)
            written = sorted(scan_file.parent.glob(f"{scan_file.stem}-cam-*.h5"))
            print(f"{frames.num_points} frames of {args.frame_size} written by the IOC's HDF5 plugin to "
                  f"{', '.join(p.name for p in written)}, linked from {scan_file}")
            fly = cvscan(m1, 0, 1, 0.01, ns["mcs"], 0.005)  # hardware-triggered: one motion, 101 points
            print(f"cvscan: {fly.num_points} points of the MCS in one motion of m1, positions from the encoder")
        finally:
            session.close()
    print("IOC stopped.")
    return 0


def _show_timeline(scan_file: str | None) -> None:
    """The demo's answer to "where did the time go": the scan's timeline page and its summary."""
    from gda_bridge.timeline import text_lines, write_timeline_page

    if scan_file is None:
        return
    out, summary = write_timeline_page(scan_file)
    print(f"where the scan's time went (open {out} in a browser; gda-bridge timeline draws any scan file):")
    for line in text_lines(summary):
        print(f"  {line}")


def _run(args: argparse.Namespace) -> int:
    from gda_bridge.jython.runner import format_user_error

    script = Path(args.script)
    if not script.is_file():
        print(f"gda-bridge run: no such script: {script}", file=sys.stderr)
        return 2
    from gda_bridge.session import Session

    _show_mode_notices()
    session = Session.from_config(args.config)
    try:
        runner = session.make_runner(args.script_path, args.legacy_path, args.mode, translate_imports=True)
        try:
            session.run_startup(args.startup)
            decision = runner.decide(script, script.read_text(encoding="utf-8", errors="surrogateescape"))
            print(f"gda-bridge run: {script} runs as {decision.reason}", file=sys.stderr)
            runner.run_file(script, args.script_args)
        except (KeyboardInterrupt, SystemExit):
            raise
        except BrokenPipeError:
            if _stdout_gone():
                return 141
            raise
        except Exception as exc:  # the user's error, shown as the user's own frames
            print(format_user_error(exc), file=sys.stderr)
            return 1
        return 0
    finally:
        session.close()


def _show_mode_notices() -> None:
    """Imported modules that run as Python 2 (or whose '/' the choice decides): one line each."""
    notices = logging.getLogger("gda_bridge.jython.mode")
    if any(getattr(h, "gda_bridge_notices", False) for h in notices.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("gda-bridge run: %(message)s"))
    handler.gda_bridge_notices = True  # type: ignore[attr-defined]
    notices.addHandler(handler)
    notices.setLevel(logging.INFO)
    notices.propagate = False


def _console(args: argparse.Namespace) -> int:
    if args.remote:
        from gda_bridge.cli.remote_console import run_remote_console

        token = args.token or os.environ.get("GDA_BRIDGE_TOKEN")
        if not token:
            print("gda-bridge console --remote needs --token (or GDA_BRIDGE_TOKEN)", file=sys.stderr)
            return 2
        run_remote_console(args.remote, token)
        return 0
    from gda_bridge.cli.console import log_file, route_logs, run_console
    from gda_bridge.session import Session, demo_devices

    log_path = log_file()
    route_logs(log_path, verbose=args.verbose_console)
    session = Session.from_config(args.config)
    try:
        if args.demo_devices:
            session.add_devices(demo_devices())
        session.run_startup()
        run_console(session, verbose=args.verbose_console, log_path=log_path)
        return 0
    finally:
        session.close()


def _timeline(args: argparse.Namespace) -> int:
    """Draw a scan file's timeline into a self-contained HTML page; print where the time went."""
    from gda_bridge.timeline import TimelineError, text_lines, write_timeline_page

    try:
        out, summary = write_timeline_page(args.scan_file, args.output, slowest=args.slowest)
    except TimelineError as exc:
        print(f"gda-bridge timeline: {exc}", file=sys.stderr)
        return 1
    print(f"gda-bridge timeline: wrote {out}")
    for line in text_lines(summary):
        print(line)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gda-bridge", description=__doc__)
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more log output (-vv for debug)")
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="start the simulated beamline IOC and scan its EPICS devices")
    demo.add_argument("--frame-size", default="1024x1024", help="camera frame size, XxY")
    demo.set_defaults(func=_demo)
    sub.add_parser("sim-ioc", help="run the simulated beamline IOC (see gda-bridge sim-ioc --help)", add_help=False)
    run = sub.add_parser("run", help="run a script with the GDA commands and devices in its namespace")
    run.add_argument("--config", help="beamline configuration (TOML) whose devices the script sees")
    run.add_argument("--mode", choices=["py2", "py3"], help="language of scripts no pragma or legacy path decides (default: read from the code)")
    run.add_argument("--legacy-path", action="append", default=[], metavar="DIR", help="scripts under DIR are Python 2")
    run.add_argument("--script-path", action="append", default=[], metavar="DIR", help="where `run \"name\"` looks")
    run.add_argument("--startup", action="append", default=[], metavar="FILE", help="run FILE first (localStation.py)")
    run.add_argument("--translate-imports", action="store_true", help="(always on now: modules of the script folders are translated; kept for old command lines)")
    run.add_argument("script")
    run.add_argument("script_args", nargs=argparse.REMAINDER)
    run.set_defaults(func=_run)
    console = sub.add_parser("console", help="the interactive console (IPython with GDA command syntax)")
    console.add_argument("--config", help="beamline configuration (TOML)")
    console.add_argument("--demo-devices", action="store_true", help="add the demo's simulated x and det")
    console.add_argument("--verbose", dest="verbose_console", action="store_true",
                         help="full tracebacks and the Java core's log on the terminal (else: one line; %%tb)")
    console.add_argument("--remote", metavar="URL", help="attach to a running gda-bridge server instead")
    console.add_argument("--token", help="the server token for --remote (default: $GDA_BRIDGE_TOKEN)")
    console.set_defaults(func=_console)
    timeline = sub.add_parser("timeline", help="draw where a scan's time went (its file's timeline) as an HTML page")
    timeline.add_argument("scan_file", metavar="SCAN.nxs")
    timeline.add_argument("-o", "--output", metavar="OUT.html", help="the page (default: <scan>-timeline.html beside it)")
    timeline.add_argument("--slowest", type=int, default=10, metavar="N", help="how many of the slowest points to list")
    timeline.set_defaults(func=_timeline)
    add_recover_command(sub)
    add_server_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["sim-ioc"]:  # its options belong to the IOC's own parser
        from gda_bridge.sim_ioc import main as sim_ioc_main

        return sim_ioc_main(argv[1:])
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
    except BrokenPipeError:
        if not _stdout_gone():
            raise
        return 141  # as a shell reports a reader that went away (`gda-bridge demo | head`)


def _stdout_gone() -> bool:
    """Whether stdout's reader has gone; if so, stdout becomes /dev/null so the exit is quiet.
    (SIGPIPE stays ignored, as Python sets it: with its default action any write to a socket whose
    peer went away, a closed browser tab for the server, would kill the process.)"""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return False
    poller = select.poll()
    poller.register(fd, select.POLLOUT)
    if not any(events & (select.POLLERR | select.POLLHUP) for _, events in poller.poll(0)):
        return False
    os.dup2(os.open(os.devnull, os.O_WRONLY), fd)
    return True


if __name__ == "__main__":
    sys.exit(main())
