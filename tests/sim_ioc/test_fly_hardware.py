"""The fly-scan hardware of the simulated beamline, on a clock the test moves: motor acceleration,
the position-compare box's pulses on the exact motion, the camera and the MCS they drive."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gda_bridge.sim_ioc._beamline import BeamlineConfig, SimBeamline
from gda_bridge.sim_ioc._camera import CameraConfig
from gda_bridge.sim_ioc._cli import build_parser, config_from_args
from gda_bridge.sim_ioc._motor import MotorConfig
from gda_bridge.sim_ioc._scheduler import Scheduler
from gda_bridge.sim_ioc._trajectory import Trajectory

VELO, ACCL = 1.0, 0.2


class ManualClock(Scheduler):
    """The simulation's scheduler on a clock that moves only when the test advances it."""

    def __init__(self) -> None:
        super().__init__()
        self.t = 1000.0

    def now(self) -> float:  # type: ignore[override]
        return self.t

    def advance(self, seconds: float) -> None:
        """Run every timer due within ``seconds``, each at its own time."""
        end = self.t + seconds
        while True:
            self.run_due()
            if self.t >= end:
                return
            self.t = min(end, self.t + self.delay(end - self.t))


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def bl(clock: ManualClock) -> SimBeamline:
    motors = [MotorConfig("m1", velocity=VELO, acceleration=ACCL), MotorConfig("m2"), MotorConfig("m3")]
    return SimBeamline(BeamlineConfig(motors=motors, camera=CameraConfig(size_x=32, size_y=24), seed=3), clock)


def put(bl: SimBeamline, name: str, value: object) -> object:
    """A client put (enum values by index, as on the wire); returns what its put-callback waits for."""
    f = bl.pvdb[f"BL99:{name}"]
    wire = f.enums.index(value) if f.kind == "enum" and isinstance(value, str) else value
    return f.client_put(wire)


def value(bl: SimBeamline, name: str) -> object:
    return bl.pvdb[f"BL99:{name}"].value


def arm_line(bl: SimBeamline, start: float, step: float, n: int, direction: str = "Positive") -> None:
    for name, v in (("PC_ENC", "Enc1"), ("PC_DIR", direction), ("PC_GATE_START", start),
                    ("PC_GATE_WID", abs(step) * (n - 1) + abs(step) / 2), ("PC_PULSE_START", 0.0),
                    ("PC_PULSE_STEP", abs(step)), ("PC_PULSE_MAX", n)):
        put(bl, f"ZEBRA:{name}", v)
    put(bl, "ZEBRA:PC_ARM", 1)
    assert value(bl, "ZEBRA:PC_ARM_OUT") == 1


def captured(bl: SimBeamline) -> tuple[np.ndarray, np.ndarray]:
    n = value(bl, "ZEBRA:PC_NUM_CAP")
    return value(bl, "ZEBRA:PC_ENC1")[:n], value(bl, "ZEBRA:PC_TIME")[:n] * 1e-3  # type: ignore[index]


def trapezoid_time(start: float, position: float) -> float:
    """Seconds from the start of a long move (rest to rest) to passing ``position``."""
    d = abs(position - start)
    ramp = 0.5 * VELO * ACCL
    return math.sqrt(2 * d * ACCL / VELO) if d <= ramp else ACCL + (d - ramp) / VELO


def test_a_move_takes_distance_over_velo_plus_accl(bl: SimBeamline, clock: ManualClock) -> None:
    done = put(bl, "m1", 2.0)
    clock.advance(ACCL / 2)
    assert bl.motors["m1"].position == pytest.approx(0.5 * (VELO / ACCL) * (ACCL / 2) ** 2)
    clock.advance(2.0 / VELO + ACCL / 2 - 0.02)
    assert not done.fired and value(bl, "m1.DMOV") == 0  # type: ignore[union-attr]
    clock.advance(0.03)
    assert done.fired and value(bl, "m1.RBV") == 2.0  # type: ignore[union-attr]
    # Too short to reach VELO: a triangle, 2 * sqrt(d / a).
    done = put(bl, "m1", 2.05)
    clock.advance(2 * math.sqrt(0.05 / (VELO / ACCL)) + 0.001)
    assert done.fired  # type: ignore[union-attr]


@pytest.mark.parametrize("direction", ["Positive", "Negative"])
def test_n_pulses_capture_the_crossings_within_one_count(bl: SimBeamline, clock: ManualClock,
                                                         direction: str) -> None:
    sign = 1 if direction == "Positive" else -1
    begin, first, step, n = (0.0, 0.5, 0.123457, 9) if sign > 0 else (2.0, 1.5, 0.123457, 9)
    put(bl, "m1.VELO", 1e9)
    put(bl, "m1", begin)
    clock.advance(1.0)
    put(bl, "m1.VELO", VELO)
    arm_line(bl, first, step, n, direction)  # PC_TIME counts from here; the move starts now too
    put(bl, "m1", begin + sign * 2.0)
    clock.advance(3.0)
    positions, times = captured(bl)
    demands = first + sign * step * np.arange(n)
    assert len(positions) == n
    mres = value(bl, "m1.MRES")
    assert np.all(np.abs(positions - demands) <= mres)
    assert np.all(np.diff(positions) * sign > 0)
    expected = [trapezoid_time(begin, p) for p in positions]
    assert np.allclose(times, expected, atol=1e-9)
    assert value(bl, "ZEBRA:PC_ARM_OUT") == 0  # the box disarms after its last pulse



def test_a_10_khz_line_fires_in_batches_at_the_exact_crossings(bl: SimBeamline, clock: ManualClock) -> None:
    n, step = 3000, 1e-4  # 10 kHz at VELO 1, through the acceleration ramp and the cruise
    posts = {"PC_NUM_CAP": 0, "CurrentChannel": 0}
    bl.pvdb["BL99:ZEBRA:PC_NUM_CAP"].bind(lambda f: posts.__setitem__("PC_NUM_CAP", posts["PC_NUM_CAP"] + 1))
    bl.pvdb["BL99:MCS:CurrentChannel"].bind(lambda f: posts.__setitem__("CurrentChannel",
                                                                          posts["CurrentChannel"] + 1))
    put(bl, "MCS:ChannelAdvance", "External")
    put(bl, "MCS:NuseAll", n)
    acquiring = put(bl, "MCS:EraseStart", 1)
    arm_line(bl, 0.0001, step, n)
    put(bl, "m1", 1.0)
    clock.advance(2.0)
    positions, times = captured(bl)
    assert len(positions) == n and acquiring.fired  # type: ignore[union-attr]
    assert np.all(np.abs(positions - (0.0001 + step * np.arange(n))) <= value(bl, "m1.MRES"))
    assert np.allclose(times, [trapezoid_time(0.0, p) for p in positions], atol=1e-9)
    assert 0 < posts["PC_NUM_CAP"] < n / 10 and 0 < posts["CurrentChannel"] < n / 10
    assert np.asarray(value(bl, "MCS:mca1"))[:n].sum() == pytest.approx(50e6 * times[-1], abs=n)


def test_the_vectorised_trajectory_is_the_scalar_one_exactly() -> None:
    rng = np.random.default_rng(1)
    for accel in (0.0, 0.2, 5.0):
        for cut in (None, 0.3):
            traj = Trajectory(-0.4, 1.7, 1000.0, 1.3, accel)
            if cut is not None:
                traj.cut(traj.t0 + cut)
            positions = np.concatenate([rng.uniform(-1, 2, 500), [-0.4, 1.7]])
            scalar = [traj.time_at(float(p)) for p in positions]
            assert [None if np.isnan(t) else float(t) for t in traj.times_at(positions)] == scalar
            when = traj.t0 + rng.uniform(-0.5, 4, 500)
            assert traj.positions(when).tolist() == [traj.position(float(t)) for t in when]

def test_an_unarmed_box_fires_nothing(bl: SimBeamline, clock: ManualClock) -> None:
    put(bl, "ZEBRA:PC_PULSE_MAX", 5)
    put(bl, "MCS:ChannelAdvance", "External")
    put(bl, "MCS:NuseAll", 5)
    acquiring = put(bl, "MCS:EraseStart", 1)
    put(bl, "m1", 2.0)
    clock.advance(3.0)
    assert value(bl, "ZEBRA:PC_NUM_CAP") == 0 and value(bl, "MCS:CurrentChannel") == 0
    assert not acquiring.fired  # type: ignore[union-attr]
    put(bl, "MCS:StopAll", 1)
    assert acquiring.fired and value(bl, "MCS:Acquiring") == "Done"  # type: ignore[union-attr]


def test_disarm_mid_move_stops_the_pulses(bl: SimBeamline, clock: ManualClock) -> None:
    arm_line(bl, 0.2, 0.1, 15)
    put(bl, "m1", 2.0)
    clock.advance(trapezoid_time(0.0, 0.45))
    assert value(bl, "ZEBRA:PC_NUM_CAP") == 3
    put(bl, "ZEBRA:PC_DISARM", 1)
    clock.advance(3.0)
    assert value(bl, "ZEBRA:PC_NUM_CAP") == 3 and value(bl, "ZEBRA:PC_ARM_OUT") == 0
    assert len(captured(bl)[0]) == 3


def test_a_retarget_keeps_the_pulses_on_the_new_motion(bl: SimBeamline, clock: ManualClock) -> None:
    arm_line(bl, 0.2, 0.1, 10)
    put(bl, "m1", 0.6)
    clock.advance(0.5)
    put(bl, "m1", 2.0)  # retarget: from rest where it is, on to 2
    clock.advance(3.0)
    positions, times = captured(bl)
    assert len(positions) == 10 and np.all(np.diff(times) > 0)
    assert np.allclose(positions, 0.2 + 0.1 * np.arange(10), atol=1e-5)


def test_camera_in_external_mode_takes_one_frame_per_pulse(bl: SimBeamline, clock: ManualClock) -> None:
    n = 6
    for name, v in (("ImageMode", "Multiple"), ("NumImages", n), ("TriggerMode", "External"),
                    ("AcquireTime", 0.02)):
        put(bl, f"cam1:{name}", v)
    frames = put(bl, "cam1:Acquire", "Acquire")
    arm_line(bl, 0.5, 0.1, n)
    put(bl, "m1", 2.0)
    clock.advance(3.0)
    assert frames.fired and value(bl, "cam1:NumImagesCounter_RBV") == n  # type: ignore[union-attr]
    assert value(bl, "ZEBRA:SIM_CAM_MISSED") == 0


def test_pulses_faster_than_the_camera_are_counted_as_missed(bl: SimBeamline, clock: ManualClock) -> None:
    n = 10
    for name, v in (("ImageMode", "Multiple"), ("NumImages", n), ("TriggerMode", "External"),
                    ("AcquireTime", 0.25)):
        put(bl, f"cam1:{name}", v)
    put(bl, "cam1:Acquire", "Acquire")
    arm_line(bl, 0.5, 0.1, n)  # a pulse every 0.1 s at VELO 1
    put(bl, "m1", 2.0)
    clock.advance(3.0)
    taken, missed = value(bl, "cam1:NumImagesCounter_RBV"), value(bl, "ZEBRA:SIM_CAM_MISSED")
    assert missed > 0 and taken + missed == n  # type: ignore[operator]


def test_mcs_bins_follow_the_pulses_and_show_the_peak(bl: SimBeamline, clock: ManualClock) -> None:
    n = 21
    put(bl, "m1.VELO", 1e9)
    put(bl, "m1", -1.5)
    clock.advance(1.0)
    put(bl, "m1.VELO", VELO)
    put(bl, "MCS:ChannelAdvance", "External")
    put(bl, "MCS:NuseAll", n)
    acquiring = put(bl, "MCS:EraseStart", 1)
    started = clock.now()
    arm_line(bl, -1.0, 0.1, n)  # at the same time (the clock moves only in advance())
    put(bl, "m1", 1.5)
    clock.advance(4.0)
    assert acquiring.fired and value(bl, "MCS:Acquiring") == "Done"  # type: ignore[union-attr]
    assert value(bl, "MCS:CurrentChannel") == n and value(bl, "MCS:mca1.NORD") == n
    clock_counts, det = (np.asarray(value(bl, f"MCS:mca{i}"))[:n] for i in (1, 2))
    _, times = captured(bl)
    last = started + times[-1]
    assert clock_counts.sum() == pytest.approx(50e6 * (last - started), abs=n)
    assert np.allclose(clock_counts[1:], 50e6 * 0.1 / VELO, rtol=1e-6)  # cruising: 0.1 s per bin
    top = int(np.argmax(det[1:])) + 1  # bin k runs from pulse k-1 to pulse k
    assert -1.0 + 0.1 * (top - 1) <= 0.1 + 0.05 and -1.0 + 0.1 * top >= 0.1 - 0.05
    assert det[top] > 20 * det[1]


def test_a_paused_line_resumes_its_pulses(bl: SimBeamline, clock: ManualClock) -> None:
    arm_line(bl, 0.2, 0.1, 10)
    put(bl, "m1", 2.0)
    clock.advance(trapezoid_time(0.0, 0.45))
    put(bl, "m1.SPMG", "Pause")
    clock.advance(1.0)
    assert value(bl, "ZEBRA:PC_NUM_CAP") == 3 and value(bl, "ZEBRA:PC_ARM_OUT") == 1
    put(bl, "m1.SPMG", "Go")
    clock.advance(3.0)
    positions, _ = captured(bl)
    assert np.allclose(positions, 0.2 + 0.1 * np.arange(10), atol=1e-5)


def test_mcs_internal_advance_closes_a_bin_every_dwell(bl: SimBeamline, clock: ManualClock) -> None:
    put(bl, "MCS:NuseAll", 5)
    put(bl, "MCS:Dwell", 0.05)
    acquiring = put(bl, "MCS:EraseStart", 1)
    clock.advance(0.2 + 0.01)
    assert value(bl, "MCS:CurrentChannel") == 4 and not acquiring.fired  # type: ignore[union-attr]
    clock.advance(0.05)
    assert acquiring.fired and value(bl, "MCS:mca1.NORD") == 5  # type: ignore[union-attr]
    assert list(np.asarray(value(bl, "MCS:mca1"))[:5]) == [round(50e6 * 0.05)] * 5


def test_the_acceleration_option_sets_one_motors_accl() -> None:
    config = config_from_args(build_parser().parse_args(["--acceleration", "m1=0.2"]))
    assert [m.acceleration for m in config.motors] == [0.2, 0.0, 0.0]
    with pytest.raises(SystemExit, match="--acceleration names 'm9'"):
        config_from_args(build_parser().parse_args(["--acceleration", "m9=0.2"]))
