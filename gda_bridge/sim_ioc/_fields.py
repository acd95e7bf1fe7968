"""The simulation's PVs: a typed value, what a client's put does, and when its put-callback ends.

A model (motor, scaler, camera) owns :class:`Field` objects and changes them with :meth:`Field.set`,
which posts a monitor update once the field is served. A client put goes through
:meth:`Field.client_put`: ``check`` may refuse the value (it is then not stored), ``action`` runs
after the value is stored and may return a :class:`Pending`; the client's put-callback completes
when that fires, as a real record completes a put only when its processing ends (the motor
record's VAL at the end of the move, the scaler's CNT at the end of the count).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

Check = Callable[[Any], bool]
Action = Callable[[Any], "Pending | None"]
Poster = Callable[["Field"], None]

#: Channel Access type of each kind of field (the DBR name ``--list-pvs`` shows).
DBR_NAMES = {"float": "DOUBLE", "int": "LONG", "short": "SHORT", "enum": "ENUM", "string": "STRING",
             "char": "CHAR", "float32": "FLOAT"}
#: numpy type of a waveform's elements on the wire, per kind (DBR_CHAR is unsigned).
WIRE_DTYPES = {"char": np.dtype(np.uint8), "short": np.dtype(np.int16), "int": np.dtype(np.int32),
               "float32": np.dtype(np.float32), "float": np.dtype(np.float64)}


class Pending:
    """Something a put-callback waits for; the model calls :meth:`fire` once it is over."""

    __slots__ = ("fired", "_callbacks")

    def __init__(self) -> None:
        self.fired = False
        self._callbacks: list[Callable[[], None]] = []

    def then(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` when this fires (at once if it has)."""
        if self.fired:
            callback()
        else:
            self._callbacks.append(callback)

    def fire(self) -> None:
        if self.fired:
            return
        self.fired = True
        callbacks, self._callbacks = self._callbacks, []
        for callback in callbacks:
            callback()


class Field:
    """One PV. Enum values are their strings on this side and their index on the wire."""

    def __init__(self, kind: str, value: Any, *, doc: str, precision: int = 0, units: str = "",
                 enums: Sequence[str] = (), count: int = 1, check: Check | None = None,
                 action: Action | None = None, stop_value: Any = None) -> None:
        if kind not in DBR_NAMES:
            raise ValueError(f"unknown field kind {kind!r}")
        self.kind = kind
        self.doc = doc
        self.precision = precision
        self.units = units
        self.enums = tuple(enums)
        self.count = count
        self.check = check
        self.action = action
        #: A put of this value while an earlier put-callback is pending runs at once and completes
        #: at once (Acquire=0, Capture=0), as a busy areaDetector record accepts a stop.
        self.stop_value = stop_value
        self.value = value
        self._post: Poster | None = None

    @property
    def completes_later(self) -> bool:
        """Whether a put-callback may wait for the action (every field with an action may)."""
        return self.action is not None

    def bind(self, post: Poster) -> None:
        """Called by the server once the field is served: later :meth:`set` calls post monitors."""
        self._post = post

    def wire_value(self) -> Any:
        """The value as the CA server holds it."""
        if self.kind == "enum":
            return self.enums.index(self.value)
        return self.value

    def from_wire(self, value: Any) -> Any:
        if self.count != 1:
            return np.asarray(value, dtype=WIRE_DTYPES[self.kind])
        if self.kind == "enum":
            return self.enums[int(value)] if 0 <= int(value) < len(self.enums) else self.value
        if self.kind == "float":
            return float(value)
        if self.kind == "int":
            return int(value)
        if self.kind == "float32":
            return float(value)
        if self.kind == "string":
            return str(value)
        if self.count == 1:
            return int(value)
        return np.asarray(value, dtype=np.int16)

    def set(self, value: Any) -> None:
        """Update from the simulation (no check, no action); a monitor update is posted."""
        self.value = value
        if self._post is not None:
            self._post(self)

    def client_put(self, wire_value: Any) -> Pending | None:
        """A client wrote ``wire_value``: check, store, act. Returns what its put-callback waits for."""
        value = self.from_wire(wire_value)
        if self.check is not None and not self.check(value):
            return None
        self.set(value)
        return self.action(value) if self.action is not None else None

    def pcaspy_info(self) -> dict[str, Any]:
        """This field's entry in a pcaspy PV database."""
        info: dict[str, Any] = {"type": self.kind, "value": self.wire_value()}
        if self.kind == "enum":
            info["enums"] = list(self.enums)
        if self.kind in ("float", "float32"):
            info["prec"] = self.precision
        if self.units:
            info["unit"] = self.units
        if self.count != 1:
            info["count"] = self.count
        if self.completes_later:
            info["asyn"] = True
        return info


def double(value: float, doc: str, **kw: Any) -> Field:
    """A DBF_DOUBLE field."""
    return Field("float", float(value), doc=doc, **kw)


def integer(value: int, doc: str, **kw: Any) -> Field:
    """A DBF_LONG field."""
    return Field("int", int(value), doc=doc, **kw)


def short(value: int, doc: str, **kw: Any) -> Field:
    """A DBF_SHORT field (the motor record's flags and small counters: DMOV, HLS, STOP, PREC...)."""
    return Field("short", int(value), doc=doc, **kw)


def enum(value: str, choices: Sequence[str], doc: str, **kw: Any) -> Field:
    """A DBF_ENUM field; ``value`` and later values are choice strings."""
    if value not in choices:
        raise ValueError(f"{value!r} is not one of {list(choices)}")
    return Field("enum", value, enums=choices, doc=doc, **kw)


def string(value: str, doc: str, **kw: Any) -> Field:
    """A DBF_STRING field (40 characters on the wire)."""
    return Field("string", str(value), doc=doc, **kw)


def waveform(kind: str, length: int, doc: str) -> Field:
    """A waveform of ``length`` elements of one of the WIRE_DTYPES kinds (e.g. "float32" = DBF_FLOAT)."""
    return Field(kind, np.zeros(length, dtype=WIRE_DTYPES[kind]), count=length, doc=doc)


class TextField(Field):
    """A char waveform with string semantics (areaDetector's FilePath, FileName, FullFileName_RBV...).

    The value is a ``str`` on this side; pcaspy serves a char waveform of ``length`` bytes from it.
    """

    def __init__(self, value: str, length: int, *, doc: str, check: Check | None = None,
                 action: Action | None = None) -> None:
        super().__init__("char", str(value), doc=doc, count=length, check=check, action=action)

    def from_wire(self, value: Any) -> str:
        if isinstance(value, str):
            text = value
        else:
            raw = value if isinstance(value, bytes | bytearray) else bytes(np.asarray(value, dtype=np.uint8))
            text = raw.decode("utf-8", errors="replace")
        return text.split("\0", 1)[0]

    def set(self, value: Any) -> None:
        super().set(str(value)[: self.count - 1])


def text(value: str, doc: str, length: int = 256, **kw: Any) -> TextField:
    """A char waveform holding a string of up to ``length - 1`` characters."""
    return TextField(value, length, doc=doc, **kw)


def with_readback(settings: dict[str, Field], name: str, field: Field) -> Field:
    """Add a setting and its ``_RBV`` twin to ``settings``; a client put is echoed to the _RBV
    before the setting's own action (if any) runs. Returns the setting."""
    if isinstance(field, TextField):
        rbv: Field = TextField(field.value, field.count, doc=f"{name} readback")
    else:
        rbv = Field(field.kind, field.value, doc=f"{name} readback", precision=field.precision,
                    units=field.units, enums=field.enums, count=field.count)
    own = field.action

    def echo(value: object) -> Pending | None:
        rbv.set(value)
        return own(value) if own is not None else None

    field.action = echo
    settings[name] = field
    settings[f"{name}_RBV"] = rbv
    return field
