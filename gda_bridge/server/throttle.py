"""Failed logins, counted per client address and per token id, so that guessing costs the guesser
and not the real users: after a few failures each further attempt has to wait (doubling up to a
cap) and is refused with 429 before its token is hashed."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable

FREE_FAILURES = 5
"""Failures a key may have before it has to wait."""
FIRST_WAIT = 1.0
"""Seconds to wait after the first failure beyond the free ones; doubles with each further one."""
MAX_WAIT = 60.0
FORGET_AFTER = 600.0
"""Seconds without an attempt after which a key's failures are forgotten."""
MAX_KEYS = 10_000
"""Keys remembered at most (the oldest are forgotten first), so guessing cannot fill the memory."""


class LoginThrottle:
    """Counts attempts per key; ``attempt`` counts an attempt as failed until ``succeeded`` says
    otherwise, so that many attempts at once cannot all slip through before the first fails."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._failures: OrderedDict[str, tuple[int, float]] = OrderedDict()

    def _wait(self, key: str, now: float) -> float:
        count, last = self._failures.get(key, (0, now))
        if now - last > FORGET_AFTER:
            del self._failures[key]
            return 0.0
        if count < FREE_FAILURES:
            return 0.0
        return max(0.0, last + min(MAX_WAIT, FIRST_WAIT * 2 ** (count - FREE_FAILURES)) - now)

    def blocked(self, *keys: str) -> tuple[float, str | None]:
        """(seconds to wait, the key that must wait), or (0, None): a look, nothing counted."""
        now = self._clock()
        with self._lock:
            return self._blocked(keys, now)

    def _blocked(self, keys: tuple[str, ...], now: float) -> tuple[float, str | None]:
        for key in keys:
            wait = self._wait(key, now)
            if wait > 0:
                return wait, key
        return 0.0, None

    def attempt(self, *keys: str) -> tuple[float, str | None]:
        """(0, None) and the attempt counted, or (seconds to wait, the key that must wait) and not
        counted: the caller refuses it without checking the token."""
        now = self._clock()
        with self._lock:
            wait, key = self._blocked(keys, now)
            if key is not None:
                return wait, key
            for key in keys:
                count = self._failures.pop(key, (0, now))[0]
                self._failures[key] = (count + 1, now)
            while len(self._failures) > MAX_KEYS:
                self._failures.popitem(last=False)
        return 0.0, None

    def succeeded(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)
