"""MoveWatch and failure(): when a motor-record move is over and why it failed (one class, no IOC)."""

from __future__ import annotations

import pytest

from gda_bridge.epics._motor_move import SPMG_GO, SPMG_MOVE, SPMG_PAUSE, MoveWatch, RecordState, failure


def watch(**kw: object) -> MoveWatch:
    args = {"target": 2.0, "dmov": 1, "spmg": SPMG_GO, "lvio": 0, "start_timeout": 5.0, **kw}
    return MoveWatch(**args)  # type: ignore[arg-type]


def state(**kw: object) -> RecordState:
    args = {"rbv": 2.0, "val": 2.0, "hls": 0, "lls": 0, "lvio": 0, "miss": 0, "msta": 2, "spmg": SPMG_GO, **kw}
    return RecordState(**args)  # type: ignore[arg-type]


def test_early_put_callback_waits_for_the_dmov_cycle() -> None:
    w = watch()
    w.put_finished(None, lambda: True)  # callback first, DMOV still 1: the IOC has not started yet
    assert not w.finished.is_set() and w.waiting_for_start
    w.dmov_changed(0)
    assert not w.finished.is_set()
    w.dmov_changed(1)
    assert w.finished.is_set()


def test_dmov_cycle_before_the_callback_waits_for_the_callback() -> None:
    w = watch()
    w.dmov_changed(0)
    w.dmov_changed(1)
    assert not w.finished.is_set()
    w.put_finished(None, lambda: True)
    assert w.finished.is_set()


def test_callback_with_dmov_still_0_waits_for_dmov_1() -> None:
    w = watch()
    w.dmov_changed(0)
    w.put_finished(None, lambda: True)
    assert not w.finished.is_set()
    w.dmov_changed(1)
    assert w.finished.is_set()


def test_no_motion_needed_is_over_at_the_callback() -> None:
    w = watch()
    w.put_finished(None, lambda: False)
    assert w.finished.is_set()


def test_a_move_that_never_starts_is_seen() -> None:
    w = watch(start_timeout=0.0)
    w.put_finished(None, lambda: True)
    assert w.never_started()
    assert not w.wait(1.0, lambda event, t: event.wait(t))


def test_pause_ends_the_wait_at_once_unless_the_move_was_a_move_mode_one() -> None:
    w = watch()
    w.put_finished(None, lambda: True)
    w.spmg_changed(SPMG_PAUSE)
    assert w.finished.is_set() and w.interrupt == "SPMG is Pause"
    w = watch(spmg=SPMG_MOVE)
    w.spmg_changed(SPMG_PAUSE)
    assert not w.finished.is_set() and w.interrupt is None


def test_rearm_waits_for_one_more_cycle_once() -> None:
    w = watch()
    w.put_finished(None, lambda: False)
    assert w.rearm() and not w.finished.is_set()
    w.dmov_changed(0)
    w.dmov_changed(1)
    assert w.finished.is_set()
    assert not w.rearm()


@pytest.mark.parametrize(("fields", "why"), [
    ({}, None),
    ({"rbv": 2.00005}, None),
    ({"rbv": 1.9}, "not within RDBD 0.0001"),
    ({"spmg": 0}, "SPMG is Stop"),
    ({"hls": 1, "rbv": 1.2}, "high limit switch"),
    ({"lls": 1}, "low limit switch"),
    ({"lvio": 1, "val": 1.0, "rbv": 1.0}, "outside soft limits (LVIO)"),
    ({"miss": 1}, "missed the target after all retries (MISS)"),
    ({"msta": 2 | 1 << 9}, "MSTA problem"),
    ({"msta": 2 | 1 << 6}, "MSTA slip/stall"),
    ({"msta": 2 | 1 << 12}, "MSTA controller communication error"),
    ({"val": 1.22, "rbv": 1.22}, "STOP pressed"),
    ({"val": 3.0, "rbv": 1.22}, "target changed to 3 by another client"),
])
def test_failure_reasons(fields: dict[str, object], why: str | None) -> None:
    w = watch()
    w.val_changed(2.0)
    assert failure(w, state(**fields), 1e-4, "RDBD") == why


def test_lvio_already_set_before_the_put_is_no_evidence() -> None:
    w = watch(lvio=1)
    assert failure(w, state(lvio=1), 1e-4, "RDBD") is None
    assert failure(w, state(lvio=1, rbv=0.0), 1e-4, "RDBD") == "outside soft limits (LVIO)"


def test_a_stop_this_client_asked_for_is_no_failure() -> None:
    w = watch()
    w.stop_requested = True
    assert failure(w, state(rbv=1.0, val=1.0), 1e-4, "RDBD") is None
