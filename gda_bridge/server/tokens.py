"""Bearer tokens: a JSON file of names, roles and salted scrypt hashes (never the tokens).

A token reads ``gdb_<id>_<secret>``: the id finds the entry, the secret is checked against its
hash in constant time. A verified token is remembered (keyed by an HMAC with a key that lives only
in this process) so requests do not pay for scrypt each time; the file is re-read when it
changes, so ``gda-bridge token add/remove`` takes effect in a running server.

Guessing is made expensive for the guesser only: ``authenticate`` answers a remembered token at
once, refuses a client or token id with too many failures before hashing (``LoginThrottled``),
and hashes one token at a time, so wrong tokens cannot take every core from the real users.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import math
import os
import re
import secrets
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from gda_bridge.core.errors import GdaBridgeError
from gda_bridge.server.models import Identity, Role
from gda_bridge.server.permissions import owner_only
from gda_bridge.server.throttle import LoginThrottle

log = logging.getLogger("gda_bridge.server")

_SCRYPT = {"n": 2**14, "r": 8, "p": 1}
_TOKEN = re.compile(r"^gdb_([0-9a-f]{12})_([A-Za-z0-9_-]{20,100})$")
_NAME = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")


class TokenError(GdaBridgeError, ValueError):
    """A token file operation that cannot be done (duplicate name, unknown name, bad file)."""


class LoginThrottled(GdaBridgeError):
    """Too many failed logins from this client or for this token id: try again after ``retry_after`` s."""

    def __init__(self, retry_after: float, key: str) -> None:
        self.retry_after = retry_after
        self.key = key
        where = f"for {key}" if key.startswith("token ") else f"from {key}"
        super().__init__(f"too many failed logins {where}; try again in {math.ceil(retry_after)} s")


def _keys(token: str | None, client: str) -> list[str]:
    """What failed logins are counted by: the client's address and the token's id."""
    return [client] + ([f"token {tid}"] if (tid := token_id(token)) else [])


def token_id(token: str | None) -> str | None:
    """The id part of a well-formed token (not secret: it only finds the entry)."""
    match = _TOKEN.match(token or "")
    return match.group(1) if match else None


def _hash(secret: str, salt: bytes) -> bytes:
    return hashlib.scrypt(secret.encode(), salt=salt, dklen=32, maxmem=64 * 1024 * 1024, **_SCRYPT)


@dataclass(frozen=True)
class TokenEntry:
    name: str
    role: Role
    id: str
    salt: str
    hash: str
    created: float


class TokenStore:
    """The token file; safe to use from several threads."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        owner_only(self.path, "token file", create=False)
        self._lock = threading.Lock()
        self._entries: dict[str, TokenEntry] = {}
        self._stamp: tuple[int, int, int] | None = None
        self._verified: dict[bytes, Identity] = {}
        self._key = secrets.token_bytes(32)
        self._hashing = threading.Lock()  # one scrypt at a time: guesses queue here, not on every core
        self._checking: dict[bytes, threading.Event] = {}  # tokens being checked now, by cache key
        self.throttle = LoginThrottle()

    # --- file ---------------------------------------------------------------------------------
    def _load(self) -> None:
        try:
            st = self.path.stat()
        except FileNotFoundError:
            self._entries, self._stamp, self._verified = {}, None, {}
            return
        stamp = (st.st_mtime_ns, st.st_size, st.st_ino)
        if stamp == self._stamp:
            return
        try:
            raw = json.loads(self.path.read_text())
            entries = {e["id"]: TokenEntry(**{**e, "role": Role(e["role"])}) for e in raw["tokens"]}
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise TokenError(f"token file {self.path} cannot be read: {exc}") from exc
        self._entries, self._stamp, self._verified = entries, stamp, {}

    def _save(self) -> None:
        data = {"tokens": [{**e.__dict__, "role": e.role.value} for e in self._entries.values()]}
        tmp = self.path.with_name(self.path.name + ".tmp")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            json.dump(data, f, indent=1)
        os.replace(tmp, self.path)
        self._stamp = None

    # --- administration -----------------------------------------------------------------------
    def add(self, name: str, role: Role | str) -> str:
        """Create a token for ``name``; returns it (the only time it is seen in clear)."""
        role = Role(role)
        if not _NAME.match(name):
            raise TokenError(f"token name {name!r}: use 1-64 letters, digits, '_', '.', '@' or '-'")
        with self._lock:
            self._load()
            if any(e.name == name for e in self._entries.values()):
                raise TokenError(f"a token named {name!r} exists already; remove it first")
            token_id = secrets.token_hex(6)
            secret = secrets.token_urlsafe(32)
            salt = secrets.token_bytes(16)
            self._entries[token_id] = TokenEntry(
                name, role, token_id, salt.hex(), _hash(secret, salt).hex(), round(time.time(), 3)
            )
            self._save()
        log.info("token added for %s (%s)", name, role.value)
        return f"gdb_{token_id}_{secret}"

    def remove(self, name: str) -> None:
        with self._lock:
            self._load()
            found = [k for k, e in self._entries.items() if e.name == name]
            if not found:
                raise TokenError(f"no token named {name!r}")
            for k in found:
                del self._entries[k]
            self._save()
        log.info("token of %s removed", name)

    def list(self) -> list[TokenEntry]:
        with self._lock:
            self._load()
            return sorted(self._entries.values(), key=lambda e: e.name)

    # --- checking -----------------------------------------------------------------------------
    def _cache_key(self, token: str) -> bytes:
        """What verified tokens are remembered by (keyed, so the cache never holds a token)."""
        return hmac.new(self._key, token.encode(), hashlib.sha256).digest()

    def verify(self, token: str | None) -> Identity | None:
        """The identity a token stands for, or None for a missing, malformed or unknown token."""
        if not token:
            return None
        match = _TOKEN.match(token)
        if match is None:
            return None
        key = self._cache_key(token)
        with self._lock:
            self._load()
            known = self._verified.get(key)
            if known is not None:
                return known
            entry = self._entries.get(match.group(1))
        if entry is None:
            return None
        with self._hashing:
            digest = _hash(match.group(2), bytes.fromhex(entry.salt))
        if not hmac.compare_digest(digest, bytes.fromhex(entry.hash)):
            return None
        identity = Identity(name=entry.name, role=entry.role)
        with self._lock:
            if self._entries.get(entry.id) == entry:
                self._verified[key] = identity
        return identity

    def cached(self, token: str | None) -> Identity | None:
        """The identity of a token verified before (and not removed since): cheap, no hashing."""
        if not token or _TOKEN.match(token) is None:
            return None
        key = self._cache_key(token)
        with self._lock:
            self._load()
            return self._verified.get(key)

    def refused_early(self, token: str | None, client: str) -> LoginThrottled | None:
        """Why a request must be refused before anything else is done (a token not known already,
        from a client or for a token id that must wait), or None; counts nothing."""
        if not token or self.cached(token) is not None:
            return None  # no token: a cheap 401 later, nothing to guess
        wait, key = self.throttle.blocked(*_keys(token, client))
        return LoginThrottled(wait, key) if key is not None else None

    def authenticate(self, token: str | None, client: str) -> Identity | None:
        """``verify`` for a request from ``client`` (its address), throttled: raises
        ``LoginThrottled`` when this client or this token id failed too often lately. Requests
        with a token that is being checked right now wait for that check (many connections opened
        at once by one person count as one attempt); if it failed, each is an attempt of its own."""
        if not token:
            return None
        known = self.cached(token)
        if known is not None:
            return known
        key = self._cache_key(token)
        with self._lock:
            checking = self._checking.get(key)
            first = checking is None
            if first:
                checking = self._checking[key] = threading.Event()
        if not first:
            checking.wait(60)
            known = self.cached(token)
            if known is not None:
                return known
        try:
            return self._attempt(token, client)
        finally:
            if first:
                with self._lock:
                    self._checking.pop(key, None)
                checking.set()

    def _attempt(self, token: str, client: str) -> Identity | None:
        keys = _keys(token, client)
        wait, key = self.throttle.attempt(*keys)
        if key is not None:
            raise LoginThrottled(wait, key)
        identity = self.verify(token)
        if identity is not None:
            self.throttle.succeeded(*keys)
        return identity

    def ids(self) -> dict[str, str]:
        """Token id -> name, as the file says now."""
        with self._lock:
            self._load()
            return {e.id: e.name for e in self._entries.values()}
