"""A device subclass's toString() is what print, str and repr show, as in GDA's Jython."""

from __future__ import annotations

from gda_bridge.devices import DetectorBase, ScannableMotionBase


class Slit(ScannableMotionBase):
    def __init__(self, name):
        self.setName(name)
        self.gap = 1.5

    def rawGetPosition(self):  # noqa: N802
        return self.gap

    def rawAsynchronousMoveTo(self, position):  # noqa: N802
        self.gap = float(position)

    def toString(self):  # noqa: N802
        return f"{self.getName()} gap is {self.gap:.2f} mm"


class Camera(DetectorBase):
    def readout(self):
        return 0

    def toString(self):  # noqa: N802
        return "camera, idle"


def test_to_string_is_shown_by_print_str_and_repr(capsys):
    s1 = Slit("s1")
    print(s1)  # noqa: T201 - what a user sees
    assert capsys.readouterr().out == "s1 gap is 1.50 mm\n"
    s1.moveTo(2)
    assert str(s1) == repr(s1) == f"{[s1]}"[1:-1] == "s1 gap is 2.00 mm"
    assert str(Camera("cam")) == repr(Camera("cam")) == "camera, idle"


def test_without_to_string_the_formatted_position_is_shown():
    class Plain(Slit):
        toString = None

    assert str(Plain("s2")) == "s2 :   1.5"  # the default %5.5g format
