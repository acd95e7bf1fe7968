"""The simulator's timer loop and its put-completion handle, without a server."""

from gda_bridge.sim_ioc._fields import Pending, enum
from gda_bridge.sim_ioc._scheduler import Scheduler


def test_timers_run_in_time_order_and_cancelled_ones_never() -> None:
    scheduler = Scheduler()
    ran: list[str] = []
    scheduler.call_later(0.0, lambda: ran.append("b"))
    scheduler.call_soon(lambda: ran.append("a"))
    scheduler.call_later(0.0, lambda: ran.append("cancelled")).cancel()
    later = scheduler.call_later(60.0, lambda: ran.append("later"))
    scheduler.run_due()
    assert ran == ["a", "b"]
    assert 59.0 < scheduler.delay(100.0) <= 60.0
    later.cancel()
    assert scheduler.delay(0.1) == 0.1


def test_a_timer_scheduled_by_a_due_timer_for_now_runs_in_the_same_pass() -> None:
    scheduler = Scheduler()
    ran: list[int] = []

    def first() -> None:
        ran.append(1)
        scheduler.call_soon(lambda: ran.append(2))

    scheduler.call_soon(first)
    scheduler.run_due()
    assert ran == [1, 2]


def test_pending_calls_back_once_even_when_subscribed_late() -> None:
    pending, calls = Pending(), []
    pending.then(lambda: calls.append("early"))
    pending.fire()
    pending.fire()
    pending.then(lambda: calls.append("late"))
    assert calls == ["early", "late"]


def test_enum_field_is_a_string_here_and_an_index_on_the_wire() -> None:
    seen = []
    field = enum("Done", ("Done", "Count"), "count", action=lambda value: seen.append(value))
    assert field.client_put(1) is None
    assert field.value == "Count" and field.wire_value() == 1 and seen == ["Count"]
    assert field.pcaspy_info()["enums"] == ["Done", "Count"] and field.pcaspy_info()["asyn"]
