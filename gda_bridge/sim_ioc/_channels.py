"""Channel types for the simulated IOC: client puts may be vetted and may run an action.

caproto answers a put-with-callback only when the channel's write coroutine returns, so a
channel whose action awaits the end of a motion completes the client's put exactly when a
real record would (the motor record's VAL, the scaler's CNT, areaDetector's Acquire).
Internal updates use :meth:`set`, which skips both the check and the action.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Any

import caproto

#: Set inside one write task when its check refused the value (the write then skips the action).
_refused: ContextVar[bool] = ContextVar("_refused", default=False)

PutCheck = Callable[[Any], Awaitable[bool]]
PutAction = Callable[[Any], Awaitable[None]]


class _ActionMixin:
    """A client put runs ``check`` before the value is stored and ``action`` after it is published."""

    def __init__(self, *, check: PutCheck | None = None, action: PutAction | None = None,
                 doc: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.check = check
        self.action = action
        self.doc = doc

    async def verify_value(self, data: Any) -> Any:
        data = await super().verify_value(data)
        if self.check is not None and not await self.check(data):
            _refused.set(True)
            raise caproto.SkipWrite()
        return data

    async def write_from_dbr(self, *args: Any, **kwargs: Any) -> Any:
        token = _refused.set(False)
        try:
            status = await super().write_from_dbr(*args, **kwargs)
            if self.action is not None and not _refused.get():
                await self.action(self.value)
            return status
        finally:
            _refused.reset(token)

    async def set(self, value: Any, **metadata: Any) -> None:
        """Update the value from the simulation (no check, no action); monitors are posted."""
        if not metadata and not self._queues:
            # Nobody ever subscribed: store value and timestamp as write() would, without its
            # metadata and publishing machinery (a motor move or a count posts ~10 fields).
            self._data["value"] = self.preprocess_value(value)
            self._data["timestamp"] = caproto.TimeStamp.from_unix_timestamp(time.time())
            return
        await self.write(value, verify_value=False, **metadata)


class Double(_ActionMixin, caproto.ChannelDouble):
    """A DBF_DOUBLE channel."""


class Integer(_ActionMixin, caproto.ChannelInteger):
    """A DBF_LONG channel."""


class Short(_ActionMixin, caproto.ChannelShort):
    """A DBF_SHORT channel (also used for uint16 image arrays, as areaDetector serves them)."""


class Enum(_ActionMixin, caproto.ChannelEnum):
    """A DBF_ENUM channel; internal updates must use the state's string."""


class String(_ActionMixin, caproto.ChannelString):
    """A DBF_STRING channel."""
