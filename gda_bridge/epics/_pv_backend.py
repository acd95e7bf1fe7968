"""The only module that imports pyepics: channels, put-completions as events, connection checks.

pyepics runs its callbacks (values, put completions, connection changes) on Channel Access
threads; here they become :class:`threading.Event`-based :class:`Completion` objects that any
thread can wait on, with no polling. libca calls a put callback exactly once, with ECA_DISCONN
if the channel disconnects first, so an IOC that dies mid-move ends the wait at once with a
clear error.
"""

from __future__ import annotations

import ctypes
import logging
import numbers
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

import epics
import numpy as np
from epics import ca, dbr

from gda_bridge.core.errors import DeviceError
from gda_bridge.devices.waiting import wait_for

log = logging.getLogger("gda_bridge.epics")

#: Default seconds to wait for every PV of a device to connect.
CONNECTION_TIMEOUT = 5.0
#: Default seconds to wait for the reply to one read.
READ_TIMEOUT = 5.0


class Completion:
    """The end of one operation, signalled from a CA thread; ``wait`` raises DeviceError on failure."""

    __slots__ = ("what", "_event", "_error")

    def __init__(self, what: str) -> None:
        self.what = what
        self._event = threading.Event()
        self._error: str | None = None

    def finish(self, error: str | None = None) -> None:
        """Mark done (first call wins); ``error`` makes :meth:`wait` raise."""
        if not self._event.is_set():
            self._error = error
            self._event.set()

    def done(self) -> bool:
        return self._event.is_set()

    @property
    def failed(self) -> bool:
        return self._event.is_set() and self._error is not None

    def wait(self, timeout: float | None) -> None:
        """Wait (in short slices, so Ctrl-C gets through inside a Java call); raise if failed."""
        if not wait_for(self._event, timeout):
            raise DeviceError(f"{self.what}: not complete within {timeout:.3g} s")
        if self._error is not None:
            raise DeviceError(self._error)


class _PutRequest:
    """What libca hands back to the put callback; kept alive until libca has called it."""

    __slots__ = ("completion", "pvname")

    def __init__(self, completion: Completion, pvname: str) -> None:
        self.completion = completion
        self.pvname = pvname


#: libca's status for "virtual circuit disconnect" (pyepics' dbr does not name it).
ECA_DISCONN = 192

class _GetRequest:
    """One read in flight: libca's callback stores the value (or the error) and sets the event."""

    __slots__ = ("pvname", "event", "value", "error")

    def __init__(self, pvname: str) -> None:
        self.pvname = pvname
        self.event = threading.Event()
        self.value: Any = None
        self.error: str | None = None


#: Requests libca still holds a pointer to (it calls back exactly once, even on disconnect).
_in_flight: set[_PutRequest | _GetRequest] = set()
_in_flight_lock = threading.Lock()


def _on_put_done(args: Any) -> None:
    request: _PutRequest = args.usr
    with _in_flight_lock:
        _in_flight.discard(request)
    status = args.status
    if status == dbr.ECA_NORMAL:
        request.completion.finish()
    elif status == ECA_DISCONN:
        request.completion.finish(f"{request.completion.what}: lost connection to {request.pvname}")
    else:
        request.completion.finish(f"{request.completion.what}: put to {request.pvname} failed: "
                                  f"{ca.message(status)}")


# pyepics' own put callback drops libca's status, so a put cut short by a disconnect would look
# complete; this one keeps it.
_PUT_DONE = dbr.make_callback(_on_put_done, dbr.event_handler_args)


def _decode(args: Any) -> Any:
    """A native-type reply as Python data, copied out of libca's buffer (valid only in the callback)."""
    ftype, count = args.type, args.count
    if ftype == dbr.STRING:
        raw = ctypes.cast(args.raw_dbr, ctypes.POINTER(dbr.Map[ftype] * count)).contents
        texts = [bytes(item.value).split(b"\0", 1)[0].decode(errors="replace").rstrip() for item in raw]
        return texts[0] if count == 1 else texts
    if count == 1 and ftype != dbr.CHAR:
        return ctypes.cast(args.raw_dbr, ctypes.POINTER(dbr.Map[ftype])).contents.value
    out = np.empty(count, dtype=dbr.NP_Map[ftype])
    ctypes.memmove(out.ctypes.data, args.raw_dbr, out.nbytes)
    return out


def _on_get_done(args: Any) -> None:
    request: _GetRequest = args.usr
    with _in_flight_lock:
        _in_flight.discard(request)
    if args.status != dbr.ECA_NORMAL:
        request.error = "lost connection" if args.status == ECA_DISCONN else ca.message(args.status)
    else:
        try:
            request.value = _decode(args)
        except Exception as exc:  # never raise into libca's thread
            request.error = f"cannot decode the reply: {exc!r}"
    request.event.set()


# pyepics' get waits by polling pend_event; this callback lets a reader wait on an Event.
_GET_DONE = dbr.make_callback(_on_get_done, dbr.event_handler_args)


def _on_monitor_event(args: Any) -> None:
    if args.status != dbr.ECA_NORMAL:
        return
    try:
        value = _decode(args)
    except Exception:  # never raise into libca's thread
        log.exception("cannot decode a monitor update")
        return
    args.usr._value_changed(value)


# pyepics' PV monitors format and dispatch every update through several layers on the CA thread,
# holding the GIL that the scan thread needs; this callback decodes the value and hands it over.
_MONITOR_EVENT = dbr.make_callback(_on_monitor_event, dbr.event_handler_args)

_thread_state = threading.local()

#: Channels libca holds a pointer to for their monitor callbacks, kept alive until disconnect().
_subscribed: set[Channel] = set()


#: Channels that were connected and have lost their IOC, and who hears of connection changes.
_disconnected: dict[Channel, None] = {}
_connection_listeners: list[Callable[[Channel, bool], None]] = []


def on_connection_change(listener: Callable[[Channel, bool], None]) -> Callable[[], None]:
    """Call ``listener(channel, connected)`` on a CA thread whenever a Channel connects or loses
    its IOC; returns the function that removes it."""
    with _in_flight_lock:
        _connection_listeners.append(listener)

    def remove() -> None:
        with _in_flight_lock:
            if listener in _connection_listeners:
                _connection_listeners.remove(listener)

    return remove


def disconnected_channels() -> list[Channel]:
    """Every Channel that was connected and is not now (its IOC died or restarts)."""
    with _in_flight_lock:
        return list(_disconnected)


def _connection_changed(channel: Channel, connected: bool) -> None:
    with _in_flight_lock:
        if connected:
            _disconnected.pop(channel, None)
        else:
            _disconnected[channel] = None
        listeners = list(_connection_listeners)
    for listener in listeners:
        try:
            listener(channel, connected)
        except Exception:  # never raise into libca's thread
            log.exception("connection listener %r failed", listener)


_context_lock = threading.Lock()


def _attach_context() -> None:
    """Join libca's initial context once per thread (the Java scan thread is new to CA). One
    thread at a time: threads creating the first context together fail (CASeverityException)."""
    if not getattr(_thread_state, "attached", False):
        with _context_lock:
            ca.use_initial_context()
        _thread_state.attached = True


def done_completion(what: str) -> Completion:
    completion = Completion(what)
    completion.finish()
    return completion


class Channel:
    """One PV of a device. ``get`` always asks the IOC (a monitor's cache may lag a put-callback)."""

    def __init__(self, pvname: str, device: str, *, monitor: bool = False,
                 on_value: Callable[[Any], None] | None = None, text: bool = False) -> None:
        self.pvname = pvname
        self.device = device
        #: Reads ask for DBR_STRING (an enum's label, not its index, whose meaning may differ by version).
        self.text = text
        #: Called with each monitored value on a CA thread; may be set after construction.
        self.on_value = on_value
        self._monitor = monitor
        self._subscription: ctypes.c_void_p | None = None
        self._native: tuple[int, int] = (dbr.DOUBLE, 1)
        self._connected = threading.Event()
        self._was_connected = False
        self._closed = False
        self._last: Any = None
        _attach_context()  # devices are made on several threads at once (config.create_devices)
        self.pv = epics.PV(pvname, auto_monitor=False, connection_callback=self._on_connection,
                           connection_timeout=CONNECTION_TIMEOUT)

    def _on_connection(self, pvname: str | None = None, conn: bool = False, pv: Any = None, **_: Any) -> None:
        if conn:
            chid = pv.chid
            self._native = (ca.field_type(chid), ca.element_count(chid))
            if self._monitor and self._subscription is None:
                self._subscribe(chid)  # libca renews it by itself after a reconnection
            self._connected.set()
            if self._was_connected:
                log.info("%s: %s reconnected", self.device, self.pvname)
            self._was_connected = True
            _connection_changed(self, True)
            return
        self._connected.clear()
        if self._closed:
            return
        log.warning("%s: lost connection to %s", self.device, self.pvname)
        _connection_changed(self, False)

    def _subscribe(self, chid: Any) -> None:
        ftype, count = self._native
        handle = ctypes.c_void_p()
        status = ca.libca.ca_create_subscription(ftype, count, chid, dbr.DBE_VALUE | dbr.DBE_ALARM,
                                                 _MONITOR_EVENT, ctypes.py_object(self), ctypes.byref(handle))
        if status != dbr.ECA_NORMAL:
            log.warning("%s: cannot monitor %s: %s", self.device, self.pvname, ca.message(status))
            return
        self._subscription = handle
        with _in_flight_lock:
            _subscribed.add(self)

    def _value_changed(self, value: Any) -> None:
        self._last = value
        if self.on_value is not None:
            self.on_value(value)

    @property
    def connected(self) -> bool:
        return self._connected.is_set()

    def wait_connected(self, timeout: float) -> bool:
        return self._connected.wait(timeout)

    def _require_connection(self) -> None:
        if not self._connected.is_set():
            raise DeviceError(f"{self.device}: {self.pvname} is not connected")

    @property
    def element_dtype(self) -> np.dtype | None:
        """The numpy type of the PV's elements on the wire (None for strings); known once connected."""
        ftype = self._native[0]
        return None if ftype == dbr.STRING else np.dtype(dbr.NP_Map[ftype])

    @property
    def cached(self) -> Any:
        """The last monitored value, None before the first (never a network round trip)."""
        return self._last

    def request(self, count: int | None = None) -> _GetRequest:
        """Send a read (native type, ``count`` elements or all); wait with :meth:`result`."""
        self._require_connection()
        _attach_context()
        ftype, n = self._native
        if count is not None:
            n = max(1, min(n, count))
        if self.text:
            ftype, n = dbr.STRING, 1
        request = _GetRequest(self.pvname)
        with _in_flight_lock:
            _in_flight.add(request)
        status = ca.libca.ca_array_get_callback(ftype, n, self.pv.chid, _GET_DONE, ctypes.py_object(request))
        if status != dbr.ECA_NORMAL:
            with _in_flight_lock:
                _in_flight.discard(request)
            raise DeviceError(f"{self.device}: read of {self.pvname} refused: {ca.message(status)}")
        return request

    def result(self, request: _GetRequest, timeout: float = READ_TIMEOUT) -> Any:
        if not wait_for(request.event, timeout):
            raise DeviceError(f"{self.device}: no reply from {self.pvname} within {timeout:g} s")
        if request.error is not None:
            raise DeviceError(f"{self.device}: reading {self.pvname}: {request.error}")
        return request.value

    def get(self, timeout: float = READ_TIMEOUT, count: int | None = None) -> Any:
        """Read the PV from the IOC now (numbers as Python scalars, arrays as numpy arrays)."""
        request = self.request(count)
        ca.flush_io()
        return self.result(request, timeout)

    def put(self, value: Any) -> None:
        """Write without waiting for the record to finish processing."""
        self._require_connection()
        if self.pv.put(value, wait=False) is None:
            raise DeviceError(f"{self.device}: put of {value!r} to {self.pvname} failed")

    def put_text(self, text: str, what: str, timeout: float = READ_TIMEOUT) -> None:
        """Write a string and wait for the put-callback; a char waveform (areaDetector's
        FilePath, FileName, FileTemplate) gets it NUL-terminated."""
        self._require_connection()
        ftype, count = self._native
        value: Any = text
        if ftype == dbr.CHAR and count > 1:
            raw = text.encode() + b"\0"
            if len(raw) > count:
                raise DeviceError(f"{what}: {len(raw)} bytes do not fit {self.pvname} ({count} bytes)")
            value = np.frombuffer(raw, dtype=np.uint8)
        if self.pv.put(value, wait=True, timeout=timeout) is None:
            raise DeviceError(f"{what}: put to {self.pvname} not complete within {timeout:g} s")

    def put_complete(self, value: Any, what: str, completion: Completion | None = None) -> Completion:
        """Write a number with a put-callback; the Completion finishes when the IOC says the put is done.

        It fails (DeviceError on ``wait``) if the put fails or the channel disconnects first. A
        caller that must act when the put ends passes its own ``completion`` (a subclass).
        """
        self._require_connection()
        if type(value) is not float and not isinstance(value, numbers.Real):
            raise DeviceError(f"{self.device}: {value!r} for {self.pvname} is not a number")
        ftype, count = self._native
        if ftype == dbr.STRING or count != 1:
            raise DeviceError(f"{self.device}: {self.pvname} is not a numeric scalar PV")
        data = (dbr.Map[ftype] * 1)()
        data[0] = value if ftype in (dbr.FLOAT, dbr.DOUBLE) else int(value)
        completion = completion or Completion(what)
        request = _PutRequest(completion, self.pvname)
        with _in_flight_lock:
            _in_flight.add(request)
        _attach_context()
        status = ca.libca.ca_array_put_callback(ftype, 1, self.pv.chid, data, _PUT_DONE, ctypes.py_object(request))
        if status != dbr.ECA_NORMAL:
            with _in_flight_lock:
                _in_flight.discard(request)
            completion.finish(f"{what}: put to {self.pvname} refused: {ca.message(status)}")
        else:
            ca.flush_io()
        return completion

    def disconnect(self) -> None:
        self._closed = True
        with _in_flight_lock:
            _disconnected.pop(self, None)
        subscription, self._subscription = self._subscription, None
        if subscription is not None:
            _attach_context()
            ca.libca.ca_clear_subscription(subscription)
            with _in_flight_lock:
                _subscribed.discard(self)
        self.pv.disconnect()


def as_text(value: Any) -> str:
    """A string PV's value, or a char waveform's up to its first NUL."""
    if isinstance(value, np.ndarray):
        return value.astype(np.uint8).tobytes().split(b"\0", 1)[0].decode(errors="replace")
    if isinstance(value, bytes):
        return value.split(b"\0", 1)[0].decode(errors="replace")
    return str(value)


def connect_all(channels: Iterable[Channel], timeout: float, device: str) -> None:
    """Wait until every channel is connected; else raise ONE DeviceError naming every PV that failed."""
    channels = list(channels)
    _attach_context()
    ca.flush_io()
    deadline = time.monotonic() + timeout
    for ch in channels:
        ch.wait_connected(max(0.0, deadline - time.monotonic()))
    missing = [ch.pvname for ch in channels if not ch.connected]
    if missing:
        raise DeviceError(f"{device}: {len(missing)} of {len(channels)} PVs did not connect within "
                          f"{timeout:g} s: {', '.join(missing)}")


class Reads:
    """Reads of several PVs in flight together (sent at once); :meth:`results` waits for them."""

    def __init__(self, channels: list[Channel]) -> None:
        self.channels = channels
        self._requests = [ch.request() for ch in channels]
        ca.flush_io()

    def results(self, timeout: float = READ_TIMEOUT) -> list[Any]:
        return [ch.result(r, timeout) for ch, r in zip(self.channels, self._requests, strict=True)]


def get_many(channels: list[Channel], timeout: float = READ_TIMEOUT) -> list[Any]:
    """Read several PVs with one round trip: all requests go out before any reply is awaited."""
    return Reads(channels).results(timeout)
