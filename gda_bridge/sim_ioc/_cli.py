"""``python -m gda_bridge.sim_ioc`` / ``gda-bridge sim-ioc``: run the simulated beamline IOC."""

from __future__ import annotations

import argparse
import logging
import os
import sys

from ._beamline import BeamlineConfig, SimBeamline
from ._camera import CameraConfig
from ._camera_frames import WAVEFORM_KINDS
from ._constants import READY_MARKER
from ._motor import MotorConfig
from ._scaler import PeakConfig
from ._server import PortInUseError, serve

log = logging.getLogger("gda_bridge.sim_ioc")


def _frame_size(text: str) -> tuple[int, int]:
    try:
        x, y = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"frame size {text!r} is not WIDTHxHEIGHT, e.g. 1024x1024") from None
    if x < 1 or y < 1:
        raise argparse.ArgumentTypeError(f"frame size {text!r} must be positive")
    return x, y


def _switches(text: str) -> tuple[str, float, float]:
    try:
        name, positions = text.split("=", 1)
        low, high = (float(v) for v in positions.split(":"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"limit switches {text!r} are not MOTOR=LOW:HIGH, e.g. m1=-2:3") from None
    if not low < high:
        raise argparse.ArgumentTypeError(f"limit switches {text!r}: LOW must be below HIGH")
    return name.strip(), low, high


def _shortfall(text: str) -> tuple[str, float]:
    try:
        name, distance = text.split("=", 1)
        return name.strip(), float(distance)
    except ValueError:
        raise argparse.ArgumentTypeError(f"shortfall {text!r} is not MOTOR=DISTANCE, e.g. m3=0.01") from None


def _acceleration(text: str) -> tuple[str, float]:
    try:
        name, seconds = text.split("=", 1)
        value = float(seconds)
    except ValueError:
        raise argparse.ArgumentTypeError(f"acceleration {text!r} is not MOTOR=SECONDS, e.g. m1=0.1") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"acceleration {text!r}: SECONDS must not be negative")
    return name.strip(), value


def _default_port() -> int:
    for var in ("EPICS_CAS_SERVER_PORT", "EPICS_CA_SERVER_PORT"):
        if os.environ.get(var, "").strip().isdigit():
            return int(os.environ[var])
    return 5064


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="gda-bridge sim-ioc",
        description="A simulated beamline IOC speaking Channel Access on 127.0.0.1: motors (motor "
                    "record fields), a scaler, an areaDetector camera with stats and HDF5 file plugins, the ring "
                    "current, a shutter and a "
                    "temperature controller.")
    p.add_argument("--prefix", default="BL99:", help="PV name prefix (default: %(default)s)")
    p.add_argument("--port", type=int, default=None,
                   help="CA server port, TCP and UDP (default: $EPICS_CAS_SERVER_PORT, "
                        "$EPICS_CA_SERVER_PORT or 5064; 0 picks a free one)")
    p.add_argument("--motors", default="m1,m2,m3", help="comma-separated motor names (default: %(default)s)")
    p.add_argument("--velocity", type=float, default=1.0, help="initial VELO of every motor (units/s)")
    p.add_argument("--switches", type=_switches, action="append", default=[], metavar="MOTOR=LOW:HIGH",
                   help="place a motor's hardware limit switches at these dial positions (repeatable; "
                        "default: 1 beyond its soft limits)")
    p.add_argument("--shortfall", type=_shortfall, action="append", default=[], metavar="MOTOR=DISTANCE",
                   help="every move of this motor ends DISTANCE short of its target (MISS=1 if RTRY > 0)")
    p.add_argument("--acceleration", type=_acceleration, action="append", default=[], metavar="MOTOR=SECONDS",
                   help="initial ACCL of a motor (repeatable; default 0: instant start and stop)")
    p.add_argument("--frame-size", type=_frame_size, default=(1024, 1024), metavar="XxY",
                   help="camera frame size (default: 1024x1024)")
    p.add_argument("--data-type", choices=list(WAVEFORM_KINDS), default="UInt16",
                   help="camera pixel type at start; image1:ArrayData is served in its Channel Access "
                        "type (DBR_CHAR, DBR_SHORT, DBR_LONG, DBR_FLOAT or DBR_DOUBLE) (default: %(default)s)")
    p.add_argument("--colour", action="store_true",
                   help="size image1:ArrayData for X*Y*3 elements, so the camera can make RGB1/RGB2/RGB3 frames")
    p.add_argument("--peak-centre", type=float, default=PeakConfig.centre, help="S2 peak centre (m1 units)")
    p.add_argument("--peak-fwhm", type=float, default=PeakConfig.fwhm, help="S2 peak FWHM")
    p.add_argument("--peak-rate", type=float, default=PeakConfig.rate, help="S2 counts/s at the peak top")
    p.add_argument("--seed", type=int, default=None, help="seed of the noise generator")
    p.add_argument("--list-pvs", action="store_true", help="print every PV (name, type, meaning) and exit")
    p.add_argument("-v", "--verbose", action="store_true", help="log at INFO level to stderr")
    return p


def config_from_args(args: argparse.Namespace) -> BeamlineConfig:
    names = [n.strip() for n in args.motors.split(",") if n.strip()]
    motors = {name: MotorConfig(name, velocity=args.velocity) for name in names}
    for name, low, high in args.switches:
        if name not in motors:
            raise SystemExit(f"sim-ioc: --switches names {name!r}, which is not one of the motors {names}")
        motors[name].low_switch, motors[name].high_switch = low, high
    for name, distance in args.shortfall:
        if name not in motors:
            raise SystemExit(f"sim-ioc: --shortfall names {name!r}, which is not one of the motors {names}")
        motors[name].shortfall = distance
    for name, seconds in args.acceleration:
        if name not in motors:
            raise SystemExit(f"sim-ioc: --acceleration names {name!r}, which is not one of the motors {names}")
        motors[name].acceleration = seconds
    return BeamlineConfig(
        prefix=args.prefix,
        motors=list(motors.values()),
        peak=PeakConfig(motor=names[0] if names else "m1", centre=args.peak_centre,
                        fwhm=args.peak_fwhm, rate=args.peak_rate),
        camera=CameraConfig(size_x=args.frame_size[0], size_y=args.frame_size[1],
                            motor_x=names[0] if names else "m1",
                            motor_y=names[1] if len(names) > 1 else "m2", data_type=args.data_type,
                            colour=args.colour),
        seed=args.seed,
    )


def main(argv: list[str] | None = None) -> int:
    """Run the IOC until SIGTERM/SIGINT; print one ready line on stdout once it accepts clients."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, stream=sys.stderr,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
    beamline = SimBeamline(config_from_args(args))
    if args.list_pvs:
        for name, dbr, doc in beamline.describe():
            sys.stdout.write(f"{name:<40} {dbr:<7} {doc}\n")
        return 0

    def ready(port: int) -> None:
        sys.stdout.write(f"{READY_MARKER} prefix={args.prefix} port={port} pvs={len(beamline.pvdb)}\n")
        sys.stdout.flush()

    try:
        serve(beamline.pvdb, beamline.scheduler, _default_port() if args.port is None else args.port, ready)
    except PortInUseError as ex:
        sys.stderr.write(f"sim-ioc: {ex}\n")
        return 2
    return 0
