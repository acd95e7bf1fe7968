"""Motor-record semantics over real Channel Access, checked with raw pyepics."""

import threading
import time

import epics
import pytest

from gda_bridge.sim_ioc import SimIOC


class Recorder:
    """Monitor values with their arrival times; ``wait_for`` blocks on a condition, not a sleep."""

    def __init__(self, pvname: str) -> None:
        self.values: list[tuple[float, object]] = []
        self._cond = threading.Condition()
        self.pv = epics.PV(pvname, callback=self._on_value)
        assert self.pv.wait_for_connection(5), pvname
        self.wait_for(lambda v: True)  # the initial value: later events are all news

    def _on_value(self, value: object, **_: object) -> None:
        with self._cond:
            self.values.append((time.monotonic(), value))
            self._cond.notify_all()

    def wait_for(self, predicate, timeout: float = 5.0) -> float:  # noqa: ANN001
        with self._cond:
            assert self._cond.wait_for(lambda: any(predicate(v) for _, v in self.values), timeout)
            return next(t for t, v in self.values if predicate(v))

    def clear(self) -> None:
        with self._cond:
            self.values.clear()

    def disconnect(self) -> None:
        self.pv.disconnect()


def put(pvname: str, value: object, wait: bool = True) -> None:
    pv = epics.get_pv(pvname, connect=True)
    assert pv.put(value, wait=wait, timeout=10) is not None


def get(pvname: str) -> object:
    return epics.caget(pvname, use_monitor=False, timeout=5)


@pytest.fixture
def m3(sim_ioc: SimIOC) -> str:
    """m3 at 0 with VELO 2 and limits -10..10, SPMG Go, DIR Pos, OFF 0."""
    base = sim_ioc.pv("m3")
    put(base + ".SPMG", "Go")
    put(base + ".DIR", "Pos")
    put(base + ".OFF", 0.0)
    put(base + ".VELO", 1e6)
    put(base + ".HLM", 10.0)
    put(base + ".LLM", -10.0)
    put(base + ".VAL", 0.0)
    put(base + ".VELO", 2.0)
    return base


def test_put_callback_completes_when_the_motion_ends(m3: str) -> None:
    dmov = Recorder(m3 + ".DMOV")
    rbv = Recorder(m3 + ".RBV")
    dmov.clear()
    rbv.clear()
    start = time.monotonic()
    put(m3 + ".VAL", 0.4)
    done = time.monotonic()
    try:
        assert done - start >= 0.19  # 0.4 at VELO 2
        assert get(m3 + ".RBV") == pytest.approx(0.4)
        assert get(m3 + ".DMOV") == 1 and get(m3 + ".MOVN") == 0
        # DMOV went 1 -> 0 before the put completed, then back to 1
        assert dmov.wait_for(lambda v: v == 0) < done
        assert [v for _, v in dmov.values][-1] == 1
        intermediate = [v for _, v in rbv.values if 0 < v < 0.4]
        assert len(intermediate) >= 3  # RBV is posted while moving, not only at the end
    finally:
        dmov.disconnect()
        rbv.disconnect()


def test_stop_halts_the_motion_and_completes_the_put(m3: str) -> None:
    movn = Recorder(m3 + ".MOVN")
    completed = threading.Event()
    epics.get_pv(m3 + ".VAL").put(5.0, callback=lambda **_: completed.set(), use_complete=True)
    movn.wait_for(lambda v: v == 1)
    assert not completed.is_set()
    put(m3 + ".STOP", 1)
    assert completed.wait(2)
    stopped = get(m3 + ".RBV")
    assert 0 < stopped < 5.0
    assert get(m3 + ".VAL") == pytest.approx(stopped)
    assert get(m3 + ".DMOV") == 1 and get(m3 + ".STOP") == 0
    movn.disconnect()


def test_move_beyond_soft_limits_is_refused_without_motion(m3: str) -> None:
    dmov = Recorder(m3 + ".DMOV")
    dmov.clear()
    start = time.monotonic()
    put(m3 + ".VAL", 10.5)
    assert time.monotonic() - start < 1.0
    assert get(m3 + ".LVIO") == 1
    assert get(m3 + ".RBV") == 0.0 and get(m3 + ".VAL") == 0.0
    good_move = time.monotonic()
    put(m3 + ".VAL", 0.1)  # a good move clears LVIO
    assert get(m3 + ".LVIO") == 0
    # DMOV went to 0 only for the good move (events arrive in order on the circuit)
    assert dmov.wait_for(lambda v: v == 0) > good_move
    dmov.disconnect()


def test_offset_shifts_readback_and_limits(m3: str) -> None:
    put(m3 + ".OFF", 1.0)
    try:
        assert get(m3 + ".RBV") == pytest.approx(1.0)
        assert get(m3 + ".HLM") == pytest.approx(11.0)
        assert get(m3 + ".DRBV") == pytest.approx(0.0)
    finally:
        put(m3 + ".OFF", 0.0)
    assert get(m3 + ".HLM") == pytest.approx(10.0)


def test_huge_velocity_moves_are_near_instant_with_monitors_open(m3: str) -> None:
    """A put-callback on a monitored PV must not wait for Nagle's delayed ACK (~40 ms)."""
    put(m3 + ".VELO", 1e9)
    dmov, rbv = Recorder(m3 + ".DMOV"), Recorder(m3 + ".RBV")
    val = epics.get_pv(m3 + ".VAL", connect=True)
    times = []
    for i in range(30):
        start = time.perf_counter()
        val.put(i * 0.01, wait=True)
        times.append(time.perf_counter() - start)
    times.sort()
    assert times[len(times) // 2] < 0.015
    assert get(m3 + ".RBV") == pytest.approx(0.29)
    dmov.disconnect()
    rbv.disconnect()


def test_plain_put_retargets_a_move_and_a_second_put_callback_waits_for_it(m3: str) -> None:
    movn = Recorder(m3 + ".MOVN")
    first_done, second_done = threading.Event(), threading.Event()
    val = epics.get_pv(m3 + ".VAL", connect=True)
    val.put(5.0, callback=lambda **_: first_done.set(), use_complete=True)
    movn.wait_for(lambda v: v == 1)
    put(m3 + ".VAL", 0.3, wait=False)  # retarget: the first put now ends at 0.3
    assert first_done.wait(5)
    assert get(m3 + ".RBV") == pytest.approx(0.3)
    movn.clear()
    val.put(0.9, callback=lambda **_: second_done.set(), use_complete=True)
    movn.wait_for(lambda v: v == 1)
    val.put(0.5, callback=lambda **_: second_done.set(), use_complete=True)  # held while moving
    assert second_done.wait(5)
    movn.wait_for(lambda v: v == 0)
    put(m3 + ".VAL", 0.5)  # queued behind the move to 0.9, then a move to 0.5
    assert get(m3 + ".RBV") == pytest.approx(0.5)
    movn.disconnect()


def start_move(val_pv: str, target: float) -> threading.Event:
    """Put ``target`` with a put-callback; the Event is set when the callback comes back."""
    done = threading.Event()
    epics.get_pv(val_pv, connect=True).put(target, callback=lambda **_: done.set(), use_complete=True)
    return done


def test_fields_have_the_motor_record_types(m3: str) -> None:
    types = {f: epics.get_pv(f"{m3}.{f}", connect=True).type.removeprefix("time_") for f in
             ("VAL", "DMOV", "MOVN", "HLS", "LLS", "LVIO", "MISS", "STOP", "PREC", "MSTA", "SPMG", "RTYP",
              "SEVR", "STAT", "RVAL", "DVAL", "DRBV")}
    assert types == {"VAL": "double", "DMOV": "short", "MOVN": "short", "HLS": "short", "LLS": "short",
                     "LVIO": "short", "MISS": "short", "STOP": "short", "PREC": "short", "MSTA": "double",
                     "SPMG": "enum", "RTYP": "string", "SEVR": "enum", "STAT": "enum", "RVAL": "long",
                     "DVAL": "double", "DRBV": "double"}
    assert get(m3 + ".RTYP") == "motor"
    assert int(get(m3 + ".MSTA")) == 1 << 1  # DONE only


def test_spmg_pause_holds_the_move_and_go_resumes_it(m3: str) -> None:
    movn = Recorder(m3 + ".MOVN")
    done = start_move(m3 + ".VAL", 1.0)
    movn.wait_for(lambda v: v == 1)
    put(m3 + ".SPMG", "Pause")
    movn.wait_for(lambda v: v == 0)
    paused_at = get(m3 + ".RBV")
    assert 0 < paused_at < 1.0
    assert get(m3 + ".VAL") == 1.0 and get(m3 + ".DMOV") == 0 and not done.is_set()
    put(m3 + ".VAL", 0.8, wait=False)  # a new target while paused is held too
    assert get(m3 + ".RBV") == paused_at
    put(m3 + ".SPMG", "Go")
    assert done.wait(5)
    assert get(m3 + ".RBV") == pytest.approx(0.8) and get(m3 + ".DMOV") == 1
    movn.disconnect()


def test_spmg_stop_cancels_the_move_and_move_allows_one(m3: str) -> None:
    movn = Recorder(m3 + ".MOVN")
    done = start_move(m3 + ".VAL", 1.0)
    movn.wait_for(lambda v: v == 1)
    put(m3 + ".SPMG", "Stop")
    assert done.wait(2)
    stopped = get(m3 + ".RBV")
    assert 0 < stopped < 1.0 and get(m3 + ".VAL") == pytest.approx(stopped) and get(m3 + ".DMOV") == 1
    put(m3 + ".SPMG", "Move")  # one move, then Pause
    put(m3 + ".VAL", 0.0)
    assert get(m3 + ".RBV") == pytest.approx(0.0) and get(m3 + ".SPMG") == 1  # Pause
    assert get(m3 + ".LSPG") == 2  # Move
    movn.disconnect()


def test_limit_switch_stops_the_motion_and_sets_the_status(m3: str) -> None:
    put(m3 + ".HLM", 0.0)
    put(m3 + ".LLM", 0.0)  # no soft limits: the switch at dial 11 (1 beyond the old limit) stops it
    put(m3 + ".VELO", 1e6)
    try:
        put(m3 + ".VAL", 12.0)
        assert get(m3 + ".RBV") == pytest.approx(11.0) and get(m3 + ".VAL") == 12.0
        assert get(m3 + ".HLS") == 1 and get(m3 + ".RHLS") == 1 and get(m3 + ".LLS") == 0
        msta = int(get(m3 + ".MSTA"))
        assert msta >> 2 & 1 and msta >> 1 & 1 and not msta >> 13 & 1  # PLUS_LS, DONE
        assert get(m3 + ".STAT") == 11 and get(m3 + ".SEVR") == 2  # HWLIMIT, MAJOR
        put(m3 + ".VAL", 13.0)  # further into the switch: nothing moves
        assert get(m3 + ".RBV") == pytest.approx(11.0)
        put(m3 + ".VAL", 5.0)  # away from it: fine, and the switch clears
        assert get(m3 + ".RBV") == pytest.approx(5.0)
        assert get(m3 + ".HLS") == 0 and get(m3 + ".STAT") == 0 and get(m3 + ".SEVR") == 0
    finally:
        put(m3 + ".VAL", 0.0)
        put(m3 + ".HLM", 10.0)
        put(m3 + ".LLM", -10.0)


def test_equal_nonzero_limits_allow_only_that_position(m3: str) -> None:
    put(m3 + ".HLM", 0.5)
    put(m3 + ".LLM", 0.5)
    try:
        put(m3 + ".VAL", 0.4)
        assert get(m3 + ".LVIO") == 1 and get(m3 + ".RBV") == 0.0
        put(m3 + ".VAL", 0.5)
        assert get(m3 + ".LVIO") == 0 and get(m3 + ".RBV") == pytest.approx(0.5)
    finally:
        put(m3 + ".HLM", 10.0)
        put(m3 + ".LLM", -10.0)


def test_dial_raw_and_relative_setpoints_move_the_motor(m3: str) -> None:
    put(m3 + ".VELO", 1e6)
    put(m3 + ".OFF", 1.0)
    put(m3 + ".DVAL", 0.5)
    assert get(m3 + ".RBV") == pytest.approx(1.5) and get(m3 + ".DRBV") == pytest.approx(0.5)
    assert get(m3 + ".VAL") == pytest.approx(1.5) and get(m3 + ".RRBV") == 50000  # MRES 1e-5
    put(m3 + ".RVAL", 20000)
    assert get(m3 + ".DRBV") == pytest.approx(0.2)
    put(m3 + ".RLV", -0.1)
    assert get(m3 + ".DRBV") == pytest.approx(0.1) and get(m3 + ".RLV") == 0.0


def test_negative_direction_flips_user_coordinates_and_limits(m3: str) -> None:
    put(m3 + ".VELO", 1e6)
    put(m3 + ".DIR", "Neg")
    try:
        assert get(m3 + ".HLM") == pytest.approx(10.0) and get(m3 + ".LLM") == pytest.approx(-10.0)
        put(m3 + ".VAL", 2.0)
        assert get(m3 + ".DRBV") == pytest.approx(-2.0) and get(m3 + ".RBV") == pytest.approx(2.0)
        assert get(m3 + ".TDIR") == 1 and get(m3 + ".CDIR") == 0  # user up, raw down
    finally:
        put(m3 + ".VAL", 0.0)
        put(m3 + ".DIR", "Pos")
