"""The Java core's simulated devices, made from Python (they behave as Python devices do)."""

from __future__ import annotations

import math
from typing import Any

from gda_bridge.bridge import jclass, to_java_device


def java_sim_motor(
    name: str,
    speed: float | None = None,
    position: float = 0.0,
    lower: float | None = None,
    upper: float | None = None,
) -> Any:
    """gda.device.sim.SimMotor: moves at ``speed`` units/s (None, 0 or inf: instantly)."""
    rate = math.inf if not speed else float(speed)
    motor = jclass("gda.device.sim.SimMotor")(name, float(position), rate)
    if lower is not None:
        motor.setLowerGdaLimits(jclass("java.lang.Double")(float(lower)))
    if upper is not None:
        motor.setUpperGdaLimits(jclass("java.lang.Double")(float(upper)))
    return motor


def java_sim_counter(
    name: str,
    axis: Any,
    centre: float = 0.0,
    fwhm: float = 1.0,
    peak: float = 1000.0,
    background: float = 0.0,
    noise: float = 0.0,
    collection_time: float = 0.0,
) -> Any:
    """gda.device.sim.SimGaussianCounter: a Gaussian of ``axis``'s position (any scannable)."""
    counter = jclass("gda.device.sim.SimGaussianCounter")(
        name, to_java_device(axis), float(centre), float(fwhm), float(peak), float(background), float(noise)
    )
    counter.setCollectionTime(float(collection_time))
    return counter


def java_dummy_scannable(name: str, position: float = 0.0) -> Any:
    """gda.device.scannable.DummyScannable: an instant soft scannable holding a value."""
    return jclass("gda.device.scannable.DummyScannable")(name, float(position))
