"""Python classes naming Java interfaces as bases (Jython's idiom) are Java objects for Java."""

from __future__ import annotations

import threading

import pytest

from gda_bridge.bridge import ensure_jvm
from gda_bridge.bridge.proxies import JavaSubclassError, install_java_subclassing
from gda_bridge.commands import pos, scan
from gda_bridge.devices import ScannableMotionBase


@pytest.fixture(scope="module", autouse=True)
def java_subclassing():
    ensure_jvm()
    install_java_subclassing()


def test_a_runnable_runs_on_a_java_thread():
    from java.lang import Runnable, Thread

    ran_on: list[str] = []

    class Job(Runnable):
        def __init__(self, label):
            self.label = label

        def run(self):
            ran_on.append(f"{self.label} on {Thread.currentThread().getName()}")

    thread = Thread(Job("count"), "java-worker")
    thread.start()
    thread.join(5000)
    assert ran_on == ["count on java-worker"]


def test_a_callable_submitted_to_an_executor_gives_back_the_python_value():
    from java.util.concurrent import Callable, Executors, TimeUnit

    class Reading(Callable):
        def __init__(self, value):
            self.value = value

        def call(self):
            return {"value": self.value, "thread": threading.current_thread().name}

    class Numbers(Reading):
        def call(self):
            return 2 * self.value

    pool = Executors.newSingleThreadExecutor()
    try:
        result = pool.submit(Reading(3)).get(5, TimeUnit.SECONDS)
        doubled = pool.submit(Numbers(4)).get(5, TimeUnit.SECONDS)
    finally:
        pool.shutdown()
    assert result["value"] == 3 and result["thread"] != threading.current_thread().name
    assert doubled == 8


def test_a_listener_is_called_by_java_and_its_error_comes_back_to_python():
    from java.beans import PropertyChangeListener, PropertyChangeSupport

    class Recorder(PropertyChangeListener):
        def __init__(self):
            self.events = []

        def propertyChange(self, event):  # noqa: N802 - Java's name
            if event.getNewValue() == "broken":
                raise ValueError("shutter broken")
            self.events.append((str(event.getPropertyName()), str(event.getNewValue())))

    support = PropertyChangeSupport("shutter")
    recorder = Recorder()
    support.addPropertyChangeListener(recorder)
    support.firePropertyChange("state", "closed", "open")
    assert recorder.events == [("state", "open")]
    assert support.getPropertyChangeListeners()[0] is recorder  # the same Python object comes back
    with pytest.raises(ValueError, match="shutter broken"):
        support.firePropertyChange("state", "open", "broken")


def test_a_device_base_can_also_implement_a_java_interface(ctx):
    from java.beans import PropertyChangeListener, PropertyChangeSupport

    class Follower(ScannableMotionBase, PropertyChangeListener):
        def __init__(self, name):
            self.setName(name)
            self.setInputNames([name])
            self.value = 0.0

        def isBusy(self):  # noqa: N802
            return False

        def rawGetPosition(self):  # noqa: N802
            return self.value

        def rawAsynchronousMoveTo(self, position):  # noqa: N802
            self.value = float(position)

        def propertyChange(self, event):  # noqa: N802
            self.value = float(event.getNewValue())

    follower = Follower("follower")
    support = PropertyChangeSupport("source")
    support.addPropertyChangeListener(follower)
    support.firePropertyChange("position", "1.0", "2.5")
    assert follower() == 2.5
    pos(follower, 4.0)
    assert follower() == 4.0
    result = scan(follower, 0, 2, 1)  # the engine gets the device, not the listener
    assert result.status == "COMPLETED_OKAY" and list(result["follower"]) == [0.0, 1.0, 2.0]


def test_a_subclass_adds_an_interface_and_a_to_string_override_is_what_str_shows():
    from java.lang import Runnable
    from java.util.concurrent import Callable

    class Both(Runnable):
        def run(self):
            pass

        def toString(self):  # noqa: N802
            return "Both()"

    class More(Both, Callable):
        def call(self):
            return 1

        def toString(self):  # noqa: N802
            return "More()"

    class Old(object, Runnable):  # noqa: UP004 - the Python 2 habit under test
        def run(self):
            pass

    assert Old.__java_interfaces__ == (Runnable,)
    assert set(More.__java_interfaces__) == {Runnable, Callable}
    assert str(Both()) == repr(Both()) == "Both()"
    assert str(More()) == "More()" and f"{[More()]}" == "[More()]"


def test_a_thread_subclass_runs_its_run_on_its_own_named_java_thread():
    from java.lang import Thread

    class Worker(Thread):
        def __init__(self, samples):
            Thread.__init__(self, "sampler")
            self.samples = samples
            self.seen = []

        def run(self):
            self.seen = [Thread.currentThread().getName()] * self.samples

    class Unnamed(Thread):
        pass

    worker = Worker(2)
    worker.setDaemon(True)
    worker.start()
    worker.join(5000)
    assert worker.seen == ["sampler", "sampler"] and not worker.isAlive() and worker.isDaemon()
    unnamed = Unnamed()
    unnamed.start()
    unnamed.join(5000)
    assert str(unnamed.getName()).startswith("Thread-")
    with pytest.raises(TypeError, match="takes no arguments or a thread name"):

        class Odd(Thread):
            def __init__(self):
                Thread.__init__(self, 5)

        Odd()


def test_another_java_class_as_base_is_refused_with_what_to_do_instead():
    from java.util import ArrayList

    with pytest.raises(JavaSubclassError, match=r"class Bag: java\.util\.ArrayList is a Java class.*interfaces"):

        class Bag(ArrayList):
            pass


def test_classes_without_java_bases_are_built_as_before():
    class Meta(type):
        def __new__(mcs, name, bases, ns, **kwargs):
            ns["made_by"] = "Meta"
            return super().__new__(mcs, name, bases, ns, **kwargs)

    class Base(metaclass=Meta):
        def __init_subclass__(cls, tag=None, **kwargs):
            super().__init_subclass__(**kwargs)
            cls.tag = tag

        def who(self):
            return "base"

    class Child(Base, tag="t"):
        def who(self):
            return "child of " + super().who()

    assert (Child.made_by, Child.tag, Child().who()) == ("Meta", "t", "child of base")


def test_java_sees_the_interfaces_even_marker_ones():
    from java.lang import Runnable
    from java.util import EventListener

    class Marker(EventListener):
        pass

    class Job(Runnable, EventListener):
        def run(self):
            pass

    assert EventListener.class_.isInstance(Marker())
    assert Runnable.class_.isInstance(Job()) and EventListener.class_.isInstance(Job())
    assert not Runnable.class_.isInstance(Marker())
