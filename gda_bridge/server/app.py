"""The HTTP and WebSocket transport (FastAPI): it authenticates, translates requests into calls on
the Service and the Service's errors into status codes, and serves the operator's web page."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import math
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Query, Request, WebSocket, WebSocketDisconnect
from fastapi import Path as PathParam
from fastapi.exceptions import HTTPException, RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles
from pydantic import TypeAdapter
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

import gda_bridge
from gda_bridge.server.audit import AuditLog
from gda_bridge.server.events import encode
from gda_bridge.server.login_gate import LoginGate, RefusalLog
from gda_bridge.server.models import (
    MAX_ID,
    AuditEntry,
    Baton,
    CurrentScan,
    Detail,
    DroppedEvent,
    Event,
    Identity,
    Item,
    ItemEdit,
    Move,
    QueueEvent,
    Role,
    ScanFile,
    Status,
    StatusEvent,
    Submission,
    escaped,
)
from gda_bridge.server.scan_files import ScanFolder
from gda_bridge.server.service import Service, ServiceError
from gda_bridge.server.sessions import BATON_TIMEOUT, Connection, Connections, watch
from gda_bridge.server.tokens import LoginThrottled, token_id

log = logging.getLogger("gda_bridge.server")

STATIC = Path(__file__).parent / "static"
MAX_BODY = 256 * 1024
"""Largest request body accepted (bytes); larger ones get 413 before they are read."""
WS_AUTH_TIMEOUT = 10.0
"""Seconds a WebSocket client has to send its token message."""

_bearer = HTTPBearer(auto_error=False, description="a token from `gda-bridge token add NAME --role ROLE`")


class BodyLimit:
    """Refuse request bodies over ``limit`` bytes with 413, by Content-Length or while streaming."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY) -> None:
        self.app = app
        self.limit = limit

    async def _refuse(self, send: Send) -> None:
        body = json.dumps({"detail": f"request body larger than {self.limit} bytes"}).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.limit):
            log.warning("413: %s %s with Content-Length %s", scope["method"], scope["path"], length.decode(errors="replace"))
            await self._refuse(send)
            return
        received = 0
        started = refused = False

        async def limited() -> Message:
            nonlocal received, refused
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit and not refused:
                    log.warning("413: %s %s streamed more than %d bytes", scope["method"], scope["path"], self.limit)
                    refused = True
                    if not started:
                        await self._refuse(send)
                    return {"type": "http.disconnect"}  # the app stops reading; its answer is dropped
            return message

        async def tracked(message: Message) -> None:
            nonlocal started
            if refused:
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        await self.app(scope, limited, tracked)


def _service(request: Request) -> Service:
    return request.app.state.service


def _who(request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> Identity:
    token = credentials.credentials if credentials is not None else None
    client = f"{request.client.host}:{request.client.port}" if request.client else "?"
    try:
        who = _service(request).tokens.authenticate(token, request.client.host if request.client else "?")
    except LoginThrottled as exc:
        request.app.state.refusals.refused(f"{request.method} {request.url.path}", client, exc)
        raise HTTPException(429, str(exc), headers={"Retry-After": str(math.ceil(exc.retry_after))}) from None
    if who is None:
        log.warning("401: %s %s from %s (%s)", request.method, request.url.path, client,
                    "no token" if not token else "unknown token")
        raise HTTPException(401, "missing or unknown token: send 'Authorization: Bearer <token>'",
                            headers={"WWW-Authenticate": "Bearer"})
    request.app.state.connections.seen(who.name)
    return who


def _audit(request: Request) -> AuditLog:
    return request.app.state.audit


Who = Annotated[Identity, Depends(_who)]
Svc = Annotated[Service, Depends(_service)]
Audit = Annotated[AuditLog, Depends(_audit)]
ItemId = Annotated[int, PathParam(ge=1, le=MAX_ID, description="an item's id (1 to 2^63-1)")]

_errors: dict[int | str, dict[str, Any]] = {
    401: {"model": Detail, "description": "missing or unknown token"},
    429: {"model": Detail, "description": "too many failed logins from this client or for this token id lately; "
                                          "`Retry-After` says when to try again"},
    403: {"model": Detail, "description": "the token's role does not allow this"},
    409: {"model": Detail, "description": "not now: without the baton, or nothing to act on"},
    422: {"model": Detail, "description": "a request that does not match its model, or a command that cannot run; "
                                          "`detail` says where and why, in one line"},
}
api = APIRouter(prefix="/api", responses=_errors)


@api.get("/whoami", response_model=Identity)
def whoami(who: Who) -> Identity:
    return who


@api.get("/status", response_model=Status)
def status(who: Who, svc: Svc) -> Status:
    return svc.status()


@api.get("/queue", response_model=list[Item], summary="The running item and the queued ones, in order")
def queue(who: Who, svc: Svc) -> list[Item]:
    return svc.queue()


@api.post("/queue", response_model=Item, status_code=201, summary="Queue a command, script text or macro")
def submit(who: Who, svc: Svc, audit: Audit, submission: Submission) -> Item:
    item = svc.submit(who, submission)
    audit.record(who.name, "submit", item.id, f"{item.kind} {' '.join([item.text, *item.args])}")
    return item


@api.post("/queue/hold", response_model=Status, summary="Start no new item until released")
def hold(who: Who, svc: Svc, audit: Audit) -> Status:
    status = svc.hold(who, True)
    audit.record(who.name, "hold")
    return status


@api.post("/queue/release", response_model=Status, summary="Let the queue run again")
def release(who: Who, svc: Svc, audit: Audit) -> Status:
    status = svc.hold(who, False)
    audit.record(who.name, "release")
    return status


@api.post("/queue/{item_id}/move", response_model=list[Item], summary="Move a queued item (0: front)")
def move(who: Who, svc: Svc, audit: Audit, item_id: ItemId, body: Move) -> list[Item]:
    queue = svc.move(who, item_id, body.position)
    audit.record(who.name, "move", item_id, f"to position {body.position}")
    return queue


@api.delete("/queue/{item_id}", response_model=list[Item], summary="Remove a queued item")
def remove(who: Who, svc: Svc, audit: Audit, item_id: ItemId) -> list[Item]:
    queue = svc.remove(who, item_id)
    audit.record(who.name, "remove", item_id)
    return queue


@api.get("/history", response_model=list[Item], summary="Finished items, newest first")
def history(who: Who, svc: Svc, limit: Annotated[int, Query(ge=1, le=1000)] = 50) -> list[Item]:
    return svc.history(limit)


@api.get("/items/{item_id}", response_model=Item, summary="One item with its output")
def item(who: Who, svc: Svc, item_id: ItemId) -> Item:
    return svc.item(item_id)


@api.get("/scan/current", response_model=CurrentScan, summary="The current or last scan with its points")
def current_scan(who: Who, svc: Svc) -> CurrentScan:
    return svc.current_scan()


def _control(action: str, summary: str) -> None:
    def endpoint(who: Who, svc: Svc, audit: Audit) -> Detail:
        running = svc.status().current
        answer = Detail(detail=svc.control(who, action))
        audit.record(who.name, action, running.id if running is not None else None)
        return answer

    api.post(f"/scan/{action}", response_model=Detail, summary=summary, operation_id=f"scan_{action.replace('-', '_')}")(
        endpoint
    )


_control("pause", "Pause the running scan before its next point")
_control("resume", "Resume the paused scan")
_control("finish-early", "End the running scan after the point in progress")
_control("abort", "Abort the running item (its scan stops every device)")


@api.post("/stop-all", response_model=Detail, summary="Admin: hold the queue, abort, stop every device")
def stop_all(who: Who, svc: Svc, audit: Audit) -> Detail:
    running = svc.status().current
    stopped = svc.stop_all(who)
    audit.record(who.name, "stop-all", running.id if running is not None else None,
                 f"stopped {', '.join(stopped) or 'no devices'}")
    return Detail(detail=f"stopped {', '.join(stopped) or 'no devices'}; the queue is held")


@api.get("/baton", response_model=Baton)
def baton(who: Who, svc: Svc) -> Baton:
    return svc.baton()


@api.post("/baton/take", response_model=Baton, summary="Take the baton if nobody holds it")
def take_baton(who: Who, svc: Svc, audit: Audit) -> Baton:
    baton = svc.take_baton(who)
    audit.record(who.name, "baton-take")
    return baton


@api.post("/baton/release", response_model=Baton)
def release_baton(who: Who, svc: Svc, audit: Audit) -> Baton:
    holder = svc.baton().holder
    baton = svc.release_baton(who)
    audit.record(who.name, "baton-release", None, f"held by {holder}")
    return baton


@api.post("/baton/steal", response_model=Baton, summary="Admin: take the baton from its holder")
def steal_baton(who: Who, svc: Svc, audit: Audit) -> Baton:
    holder = svc.baton().holder
    baton = svc.take_baton(who, steal=True)
    audit.record(who.name, "baton-steal", None, f"held by {holder}")
    return baton


@api.get("/audit", response_model=list[AuditEntry], summary="Operators and admins: who did what, newest first")
def audit_log(
    who: Who, audit: Audit, limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    item_id: Annotated[int | None, Query(ge=1, le=MAX_ID, description="only this item's entries")] = None,
    before: Annotated[int | None, Query(ge=1, le=MAX_ID, description="entries older than this entry id")] = None,
) -> list[AuditEntry]:
    if who.role.rank < Role.OPERATOR.rank:
        raise HTTPException(403, f"{who.name} is {who.role.value}; the audit log needs the operator role")
    return audit.entries(limit, item_id, before)


# --- the operator page's extras: editing a queued item, a finished item's scan files -------------
@api.patch("/queue/{item_id}", response_model=Item, summary="Change a queued item's text or a macro's arguments",
           responses={422: {"model": Detail, "description": "a syntax error, an unknown macro"}})
def edit(who: Who, svc: Svc, audit: Audit, item_id: ItemId, body: ItemEdit) -> Item:
    item = svc.edit(who, item_id, body.text, body.args)
    audit.record(who.name, "edit", item_id, item.text if body.args is None else f"{item.text} {body.args}")
    return item


def _scan_folder(request: Request) -> ScanFolder:
    folder = request.app.state.scan_folder
    if folder is None:
        raise HTTPException(404, "this server does not know its data folder")
    return folder


Folder = Annotated[ScanFolder, Depends(_scan_folder)]


@api.get("/items/{item_id}/files", response_model=list[ScanFile], summary="The scan files of an item")
def item_files(who: Who, svc: Svc, folder: Folder, item_id: ItemId) -> list[ScanFile]:
    files = []
    for number in svc.item(item_id).scan_numbers:
        path = folder.file_of(number)
        files.append(ScanFile(
            scan_number=number, name=path.name if path else f"{folder.beamline}-{number}.nxs",
            size=path.stat().st_size if path else None, url=f"/api/items/{item_id}/files/{number}",
        ))
    return files


def _finished_file(svc: Service, folder: ScanFolder, item_id: int, scan_number: int) -> Path:
    """The file of a scan the item ran and that has ended, in the data folder (else 404/409)."""
    if scan_number not in svc.item(item_id).scan_numbers:
        raise HTTPException(404, f"item {item_id} ran no scan {scan_number}")
    running = svc.status().scan
    if running is not None and running.scan_number == scan_number:
        raise HTTPException(409, f"scan {scan_number} is still running; its file is ready when it ends")
    path = folder.file_of(scan_number)
    if path is None:
        raise HTTPException(404, f"the file of scan {scan_number} is not in the data folder")
    return path


ScanNumber = Annotated[int, PathParam(ge=1, le=MAX_ID)]


@api.get("/items/{item_id}/files/{scan_number}", response_class=FileResponse,
         summary="Download a finished scan's file (HDF5/NeXus)",
         responses={200: {"content": {"application/x-hdf5": {}}, "description": "the scan's file"},
                    404: {"model": Detail, "description": "no such item, scan of the item, or file"}})
def item_file(who: Who, svc: Svc, folder: Folder, item_id: ItemId, scan_number: ScanNumber) -> FileResponse:
    path = _finished_file(svc, folder, item_id, scan_number)
    log.info("scan file %s sent to %s", path.name, who.name)
    return FileResponse(path, media_type="application/x-hdf5", filename=path.name)


#: The timeline page fetches nothing (its scripts are inline; Bokeh compiles its callbacks).
TIMELINE_CSP = ("default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; "
                "img-src data: blob:")


@api.get("/items/{item_id}/files/{scan_number}/timeline", response_class=HTMLResponse,
         summary="A finished scan's timeline: where its time went, as a self-contained page",
         responses={200: {"content": {"text/html": {}}, "description": "the page (docs/timeline.md)"},
                    404: {"model": Detail, "description": "no such item, scan of the item, file, or timeline"}})
def item_timeline(who: Who, svc: Svc, folder: Folder, item_id: ItemId, scan_number: ScanNumber) -> HTMLResponse:
    from gda_bridge.timeline import TimelineError, timeline_page  # Bokeh: only when a page is asked for

    path = _finished_file(svc, folder, item_id, scan_number)
    try:
        page, _ = timeline_page(path, subtitle=f"Scan {scan_number}, item {item_id}.")
    except TimelineError as exc:
        raise HTTPException(404, f"the file of scan {scan_number} {exc.reason}") from None
    log.info("timeline of %s sent to %s", path.name, who.name)
    return HTMLResponse(page, headers={"Content-Security-Policy": TIMELINE_CSP})


@api.get("/health", response_model=Detail, responses={}, summary="Unauthenticated liveness check")
def health() -> Detail:
    return Detail(detail="ok")


async def _ws_token(ws: WebSocket, token: str | None) -> str | None:
    if token is None:
        try:
            first = await asyncio.wait_for(ws.receive_text(), WS_AUTH_TIMEOUT)
            message = json.loads(first)
            token = message.get("token") if isinstance(message, dict) else None
        except (TimeoutError, ValueError, KeyError, RecursionError, WebSocketDisconnect):
            token = None
    return token if isinstance(token, str) else None


async def _refuse_ws(ws: WebSocket, code: int, detail: str) -> None:
    with contextlib.suppress(Exception):
        await ws.send_text(json.dumps({"type": "error", "detail": detail}))
        await ws.close(code)


async def events(ws: WebSocket, token: str | None = None) -> None:
    """Live events; authenticate with ``?token=...`` or a first message ``{"token": "..."}``."""
    await ws.accept()
    svc: Service = ws.app.state.service
    token = await _ws_token(ws, token)
    client = f"{ws.client.host}:{ws.client.port}" if ws.client else "?"
    try:
        who = await run_in_threadpool(svc.tokens.authenticate, token, ws.client.host if ws.client else "?")
    except LoginThrottled as exc:
        ws.app.state.refusals.refused("WebSocket /api/events", client, exc)
        await _refuse_ws(ws, 4429, str(exc))
        return
    if who is None:
        log.warning("401: WebSocket /api/events from %s (missing or unknown token)", client)
        await _refuse_ws(ws, 4401, "missing or unknown token")
        return
    connections: Connections = ws.app.state.connections
    conn = connections.open(who, token_id(token))
    try:
        await _stream(ws, svc, who, conn)
    finally:
        connections.close(conn)


async def _stream(ws: WebSocket, svc: Service, who: Identity, conn: Connection) -> None:
    """Send the events until the client leaves or its token is removed."""
    sub = svc.hub.subscribe()
    try:
        status = await run_in_threadpool(svc.status)
        queue = await run_in_threadpool(svc.queue)
        await ws.send_text(encode(StatusEvent(status=status)))
        await ws.send_text(encode(QueueEvent(queue=queue)))

        async def send_events() -> None:
            sent = 0
            while True:
                text = await sub.queue.get()
                if sub.dropped:
                    dropped, sub.dropped = sub.dropped, 0
                    await ws.send_text(encode(DroppedEvent(count=dropped)))
                await ws.send_text(text)
                sent += 1
                if sent % 20 == 0:  # neither get() of a full queue nor a send suspends: let requests in
                    await asyncio.sleep(0)

        async def until_closed() -> None:
            while (await ws.receive())["type"] != "websocket.disconnect":
                pass

        tasks = [asyncio.create_task(send_events()), asyncio.create_task(until_closed()),
                 asyncio.create_task(conn.revoked.wait())]
        done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        for task in pending:
            task.cancel()
        if conn.revoked.is_set():
            await _refuse_ws(ws, 4401, conn.reason)
        for task in done:
            if not task.cancelled() and task.exception() is not None:
                log.info("WebSocket client %s left: %r", who.name, task.exception())
    except (WebSocketDisconnect, RuntimeError, OSError) as exc:
        log.info("WebSocket client %s left: %r", who.name, exc)
    finally:
        svc.hub.unsubscribe(sub)


MAX_PROBLEMS = 5
"""Validation problems named in a 422's one-line detail (the rest are counted)."""


def validation_detail(errors: Sequence[Any]) -> str:
    """One line naming where each problem is and what it is, never echoing the input (which may be
    huge, NaN or not valid text)."""
    parts = []
    for error in errors[:MAX_PROBLEMS]:
        loc = [str(p) for p in error.get("loc", ())]
        where = ".".join(loc[1:] if len(loc) > 1 and loc[0] in ("body", "path", "query") else loc) or "body"
        message = str(error.get("msg", "invalid")).removeprefix("Value error, ")
        if error.get("type") == "string_unicode":
            message = "not valid Unicode text (a lone surrogate such as \\ud800 cannot be stored or sent)"
        parts.append(escaped(f"{where}: {message}")[:300])
    more = f" (and {len(errors) - MAX_PROBLEMS} more)" if len(errors) > MAX_PROBLEMS else ""
    return " ".join("; ".join(parts).split()) + more


async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
    """400 for a body that is not JSON, 422 with a one-line reason for one that does not fit."""
    errors = exc.errors()
    for error in errors:
        if error.get("type") == "json_invalid":
            where = escaped(str(error.get("ctx", {}).get("error", "")))
            return JSONResponse({"detail": f"the request body is not valid JSON ({where})"}, status_code=400)
    return JSONResponse({"detail": validation_detail(errors)}, status_code=422)


def _openapi(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(
        title="gda-bridge command server", version=gda_bridge.__version__, routes=app.routes,
        description="One worker owns the engine; clients queue commands and watch. "
        "Send `Authorization: Bearer <token>`. Live events: WebSocket `/api/events` "
        "(token as `?token=` or first message `{\"token\": ...}`); their schema is `x-websocket-events`.",
    )
    events_schema = TypeAdapter(Event).json_schema(ref_template="#/x-websocket-events/$defs/{model}")
    schema["x-websocket-events"] = events_schema
    app.openapi_schema = schema
    return schema


def create_app(service: Service | None = None, scan_folder: ScanFolder | None = None,
               baton_timeout: float = BATON_TIMEOUT) -> FastAPI:
    """The web application around ``service`` (None: only for the schema); ``scan_folder``: where
    finished scans' files can be downloaded from (None: nowhere); ``baton_timeout``: seconds after
    which the baton of a holder with no connection is released (0: never)."""

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        watching = None
        if service is not None:
            service.hub.bind(asyncio.get_running_loop())
            watching = asyncio.create_task(watch(service, app.state.connections, app.state.audit, baton_timeout))
        try:
            yield
        finally:
            if watching is not None:
                watching.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await watching
            if service is not None:
                service.hub.bind(None)
                await run_in_threadpool(service.stop)  # before uvicorn re-raises SIGTERM/SIGINT
                app.state.audit.close()

    app = FastAPI(lifespan=lifespan, docs_url="/api/docs", redoc_url=None, openapi_url="/api/openapi.json")
    app.state.service = service
    app.state.scan_folder = scan_folder
    app.state.audit = AuditLog(service.store.path) if service is not None else None
    app.state.connections = Connections()
    app.state.refusals = RefusalLog()
    app.add_middleware(BodyLimit, limit=MAX_BODY)
    app.add_middleware(LoginGate, refusals=app.state.refusals)  # outermost: before the body is read

    @app.exception_handler(ServiceError)
    async def service_error(request: Request, exc: ServiceError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=exc.status)

    app.add_exception_handler(RequestValidationError, _invalid)  # type: ignore[arg-type]

    app.include_router(api)
    app.add_api_websocket_route("/api/events", events)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC / "index.html")

    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app
