"""The typed messages of the server's HTTP API and WebSocket events (pydantic models).

The OpenAPI schema generated from these (``docs/reference/openapi.json``) is committed and a test
fails when it and the code differ; the WebSocket events are in it under ``x-websocket-events``.
"""

from __future__ import annotations

import enum
import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

MAX_TEXT = 200_000
"""The longest command or script text accepted (characters); the body limit is a little larger."""
MAX_ID = 2**63 - 1
"""The largest item id SQLite can hold; larger ids in a path are refused (422), not looked up."""

_SURROGATE = re.compile(r"[\ud800-\udfff]")


def escaped(text: str) -> str:
    """``text`` with lone surrogates (which UTF-8 cannot carry) written as ``\\udXXX``: what the
    read paths show for bad text that is already stored, so one bad row cannot break a listing."""
    if _SURROGATE.search(text) is None:
        return text
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _valid_text(text: str) -> str:
    """Refuse text that cannot be stored or sent as UTF-8 (a lone surrogate such as ``\\ud800``)."""
    bad = _SURROGATE.search(text)
    if bad is not None:
        raise ValueError(
            f"a lone surrogate {escaped(bad.group())} at character {bad.start()} is not valid text; send UTF-8 text"
        )
    return text


Text = Annotated[str, AfterValidator(_valid_text)]
"""Text from a client: valid Unicode (no lone surrogates), or 422."""


class Role(enum.StrEnum):
    """What a token may do: observers read and watch, operators also control, admins everything."""

    OBSERVER = "observer"
    OPERATOR = "operator"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return [Role.OBSERVER, Role.OPERATOR, Role.ADMIN].index(self)


class ItemStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    ABORTED = "aborted"
    INTERRUPTED = "interrupted"
    """The server stopped (crash, kill, shutdown) while the item ran; it is never run again."""


class _Message(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CommandSubmission(_Message):
    """One command line, e.g. ``scan(x, 0, 1, 0.1, det, 0.01)``."""

    kind: Literal["command"] = "command"
    command: Text = Field(min_length=1, max_length=MAX_TEXT)


class ScriptSubmission(_Message):
    """Script text, run in the server's namespace."""

    kind: Literal["script"] = "script"
    text: Text = Field(min_length=1, max_length=MAX_TEXT)
    name: Text = Field(default="script", max_length=200)


class MacroSubmission(_Message):
    """A script of the server's script directory (``--scripts``), by name, with arguments
    (``sys.argv[1:]`` while it runs)."""

    kind: Literal["macro"] = "macro"
    name: str = Field(pattern=r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,199}$")
    args: list[Annotated[Text, Field(max_length=MAX_TEXT)]] = Field(default_factory=list, max_length=100)


Submission = Annotated[CommandSubmission | ScriptSubmission | MacroSubmission, Field(discriminator="kind")]


class Move(_Message):
    """Where to put a queued item: 0 is the front of the queue."""

    position: int = Field(ge=0)


class Item(BaseModel):
    """A queue or history item; ``output`` only in the detail (``GET /api/items/{id}``).

    Its texts are escaped (lone surrogates as ``\\udXXX``) when it is built or assigned, so an item
    stored before the door checked, or printing such text, can always be sent."""

    model_config = ConfigDict(validate_assignment=True)

    id: int
    kind: Literal["command", "script", "macro"]
    text: str
    args: list[str] = Field(default_factory=list)
    owner: str
    status: ItemStatus
    submitted: float
    started: float | None = None
    finished: float | None = None
    scan_numbers: list[int] = Field(default_factory=list)
    error: str | None = None
    output: list[str] | None = None
    estimated_seconds: float | None = None
    """How long a queued scan command should take (its estimate at submission); None otherwise."""

    @field_validator("text", "owner", "error", mode="after")
    @classmethod
    def _escape_text(cls, value: str | None) -> str | None:
        return None if value is None else escaped(value)

    @field_validator("args", "output", mode="after")
    @classmethod
    def _escape_lines(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return None
        joined = "".join(value)  # one look over all lines: fast also for 50,000 of them
        if joined.isascii() or _SURROGATE.search(joined) is None:
            return value
        return [escaped(v) for v in value]


class AuditEntry(BaseModel):
    """One thing someone did (``who`` is a token's name, or ``server`` for what the server did by
    itself, such as releasing the baton of a holder gone for ``--baton-timeout``)."""

    id: int
    time: float
    who: str
    action: str
    """One of: submit, move, remove, hold, release, pause, resume, finish-early, abort, stop-all,
    baton-take, baton-steal, baton-release, baton-timeout, token-removed."""
    item_id: int | None = None
    detail: str = ""

    @field_validator("who", "detail", mode="after")
    @classmethod
    def _escape(cls, value: str) -> str:
        return escaped(value)


class Baton(BaseModel):
    """Who holds control; only the holder may queue and control scans."""

    holder: str | None = None
    since: float | None = None


class ScanState(BaseModel):
    """The scan in progress: ``paused`` means no further point starts until resumed."""

    item_id: int | None
    scan_number: int | None
    command: str
    state: Literal["running", "paused"]
    points_done: int
    num_points: int


class Status(BaseModel):
    worker: Literal["idle", "running", "starting"]
    queue_held: bool
    queue_length: int
    queue_estimated_seconds: float | None = None
    """The sum of the queued items' estimates (items without one are not counted)."""
    current: Item | None = None
    scan: ScanState | None = None
    baton: Baton


class Identity(BaseModel):
    name: str
    role: Role


class Detail(BaseModel):
    """A short answer or error: ``{"detail": "..."}``."""

    detail: str


class ColumnInfo(BaseModel):
    name: str
    role: Literal["axis", "detector", "other"]


class CurrentScan(BaseModel):
    """The current (or last) scan with its points so far, for a client that joins mid-scan."""

    item_id: int | None
    scan_number: int | None
    command: str
    columns: list[ColumnInfo]
    num_points: int
    points: list[dict[str, float | int | str | None]]
    status: str | None = None


# --- WebSocket events (server -> client, JSON text frames) --------------------------------------
class StatusEvent(BaseModel):
    """Sent first after authentication, and on every change of worker, scan, queue hold or baton."""

    type: Literal["status"] = "status"
    status: Status


class QueueEvent(BaseModel):
    """The queue (queued and running items, in order) after any change."""

    type: Literal["queue"] = "queue"
    queue: list[Item]


class ItemEvent(BaseModel):
    """An item started or finished."""

    type: Literal["item"] = "item"
    item: Item


class OutputEvent(BaseModel):
    """Lines printed by the running item (scan table rows, prints, log warnings), in order; a
    fast scan's rows arrive many to an event."""

    type: Literal["output"] = "output"
    item_id: int
    seq: int
    """The index of the first line in the item's output (0 first), so a client can join without gaps."""
    lines: list[str]

    @field_validator("lines", mode="after")
    @classmethod
    def _escape_lines(cls, value: list[str]) -> list[str]:
        return [escaped(v) for v in value]


class ScanStartEvent(BaseModel):
    type: Literal["scan_start"] = "scan_start"
    item_id: int | None
    scan_number: int | None
    command: str
    columns: list[ColumnInfo]
    num_points: int
    shape: list[int]


class PointData(BaseModel):
    """One point: its index in the scan and its values; arrays (frames) appear as a text like
    ``"<256x256>"``, NaN and infinities as null."""

    index: int
    data: dict[str, float | int | str | None]


class ScanPointsEvent(BaseModel):
    """Points of the current scan, in order: one while points come slowly, a page of them (as
    bluesky's EventPage) when they come faster than clients could take them one by one."""

    type: Literal["scan_points"] = "scan_points"
    item_id: int | None
    scan_number: int | None
    points: list[PointData]


class ScanStopEvent(BaseModel):
    type: Literal["scan_stop"] = "scan_stop"
    item_id: int | None
    scan_number: int | None
    status: str
    num_points: int
    reason: str | None = None


class ScanSuspendedEvent(BaseModel):
    """The scan is held before point ``index`` since ``time`` (epoch s), e.g. beam lost; a point
    during which this began is retaken."""

    type: Literal["scan_suspended"] = "scan_suspended"
    item_id: int | None
    scan_number: int | None
    index: int
    time: float
    reason: str


class ScanResumedEvent(BaseModel):
    """The suspension ended at ``time``; point ``index`` is taken next."""

    type: Literal["scan_resumed"] = "scan_resumed"
    item_id: int | None
    scan_number: int | None
    index: int
    time: float


class DroppedEvent(BaseModel):
    """This client read too slowly: ``count`` events were dropped for it (the scan never waits)."""

    type: Literal["dropped"] = "dropped"
    count: int


Event = Annotated[
    StatusEvent | QueueEvent | ItemEvent | OutputEvent | ScanStartEvent | ScanPointsEvent | ScanStopEvent
    | ScanSuspendedEvent | ScanResumedEvent | DroppedEvent,
    Field(discriminator="type"),
]


# --- the operator page's extras: editing a queued item, a finished item's scan files ------------
class ItemEdit(_Message):
    """New words for a queued item: ``text`` is a command's or script's text or a macro's name;
    ``args`` only for macros. What is not given stays as it was."""

    text: Text | None = Field(default=None, min_length=1, max_length=MAX_TEXT)
    args: list[Text] | None = Field(default=None, max_length=100)


class ScanFile(BaseModel):
    """One scan of an item and its file in the data folder (``size`` None: no file there)."""

    scan_number: int
    name: str
    size: int | None
    url: str
