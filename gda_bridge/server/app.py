"""The HTTP and WebSocket transport (FastAPI): it authenticates, translates requests into calls on
the Service and the Service's errors into status codes, and serves the operator's web page."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Query, Request, WebSocket, WebSocketDisconnect
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import HTTPException, RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import FileResponse, JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles
from pydantic import TypeAdapter
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

import gda_bridge
from gda_bridge.server.models import (
    Baton,
    CurrentScan,
    Detail,
    DroppedEvent,
    Event,
    Identity,
    Item,
    Move,
    QueueEvent,
    Status,
    StatusEvent,
    Submission,
)
from gda_bridge.server.service import Service, ServiceError

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
    who = _service(request).tokens.verify(token)
    if who is None:
        client = f"{request.client.host}:{request.client.port}" if request.client else "?"
        log.warning("401: %s %s from %s (%s)", request.method, request.url.path, client,
                    "no token" if not token else "unknown token")
        raise HTTPException(401, "missing or unknown token: send 'Authorization: Bearer <token>'",
                            headers={"WWW-Authenticate": "Bearer"})
    return who


Who = Annotated[Identity, Depends(_who)]
Svc = Annotated[Service, Depends(_service)]

_errors: dict[int | str, dict[str, Any]] = {
    401: {"model": Detail, "description": "missing or unknown token"},
    403: {"model": Detail, "description": "the token's role does not allow this"},
    409: {"model": Detail, "description": "not now: without the baton, or nothing to act on"},
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
def submit(who: Who, svc: Svc, submission: Submission) -> Item:
    return svc.submit(who, submission)


@api.post("/queue/hold", response_model=Status, summary="Start no new item until released")
def hold(who: Who, svc: Svc) -> Status:
    return svc.hold(who, True)


@api.post("/queue/release", response_model=Status, summary="Let the queue run again")
def release(who: Who, svc: Svc) -> Status:
    return svc.hold(who, False)


@api.post("/queue/{item_id}/move", response_model=list[Item], summary="Move a queued item (0: front)")
def move(who: Who, svc: Svc, item_id: int, body: Move) -> list[Item]:
    return svc.move(who, item_id, body.position)


@api.delete("/queue/{item_id}", response_model=list[Item], summary="Remove a queued item")
def remove(who: Who, svc: Svc, item_id: int) -> list[Item]:
    return svc.remove(who, item_id)


@api.get("/history", response_model=list[Item], summary="Finished items, newest first")
def history(who: Who, svc: Svc, limit: Annotated[int, Query(ge=1, le=1000)] = 50) -> list[Item]:
    return svc.history(limit)


@api.get("/items/{item_id}", response_model=Item, summary="One item with its output")
def item(who: Who, svc: Svc, item_id: int) -> Item:
    return svc.item(item_id)


@api.get("/scan/current", response_model=CurrentScan, summary="The current or last scan with its points")
def current_scan(who: Who, svc: Svc) -> CurrentScan:
    return svc.current_scan()


def _control(action: str, summary: str) -> None:
    def endpoint(who: Who, svc: Svc) -> Detail:
        return Detail(detail=svc.control(who, action))

    api.post(f"/scan/{action}", response_model=Detail, summary=summary, operation_id=f"scan_{action.replace('-', '_')}")(
        endpoint
    )


_control("pause", "Pause the running scan before its next point")
_control("resume", "Resume the paused scan")
_control("finish-early", "End the running scan after the point in progress")
_control("abort", "Abort the running item (its scan stops every device)")


@api.post("/stop-all", response_model=Detail, summary="Admin: hold the queue, abort, stop every device")
def stop_all(who: Who, svc: Svc) -> Detail:
    stopped = svc.stop_all(who)
    return Detail(detail=f"stopped {', '.join(stopped) or 'no devices'}; the queue is held")


@api.get("/baton", response_model=Baton)
def baton(who: Who, svc: Svc) -> Baton:
    return svc.baton()


@api.post("/baton/take", response_model=Baton, summary="Take the baton if nobody holds it")
def take_baton(who: Who, svc: Svc) -> Baton:
    return svc.take_baton(who)


@api.post("/baton/release", response_model=Baton)
def release_baton(who: Who, svc: Svc) -> Baton:
    return svc.release_baton(who)


@api.post("/baton/steal", response_model=Baton, summary="Admin: take the baton from its holder")
def steal_baton(who: Who, svc: Svc) -> Baton:
    return svc.take_baton(who, steal=True)


@api.get("/health", response_model=Detail, responses={}, summary="Unauthenticated liveness check")
def health() -> Detail:
    return Detail(detail="ok")


async def _authenticate(ws: WebSocket, svc: Service, token: str | None) -> Identity | None:
    if token is None:
        try:
            first = await asyncio.wait_for(ws.receive_text(), WS_AUTH_TIMEOUT)
            message = json.loads(first)
            token = message.get("token") if isinstance(message, dict) else None
        except (TimeoutError, ValueError, KeyError, WebSocketDisconnect):
            token = None
    return await run_in_threadpool(svc.tokens.verify, token)


async def events(ws: WebSocket, token: str | None = None) -> None:
    """Live events; authenticate with ``?token=...`` or a first message ``{"token": "..."}``."""
    await ws.accept()
    svc: Service = ws.app.state.service
    who = await _authenticate(ws, svc, token)
    if who is None:
        client = f"{ws.client.host}:{ws.client.port}" if ws.client else "?"
        log.warning("401: WebSocket /api/events from %s (missing or unknown token)", client)
        with contextlib.suppress(Exception):
            await ws.send_text(json.dumps({"type": "error", "detail": "missing or unknown token"}))
            await ws.close(4401)
        return
    sub = svc.hub.subscribe()
    try:
        status = await run_in_threadpool(svc.status)
        queue = await run_in_threadpool(svc.queue)
        await ws.send_text(StatusEvent(status=status).model_dump_json())
        await ws.send_text(QueueEvent(queue=queue).model_dump_json())

        async def send_events() -> None:
            sent = 0
            while True:
                text = await sub.queue.get()
                if sub.dropped:
                    dropped, sub.dropped = sub.dropped, 0
                    await ws.send_text(DroppedEvent(count=dropped).model_dump_json())
                await ws.send_text(text)
                sent += 1
                if sent % 20 == 0:  # neither get() of a full queue nor a send suspends: let requests in
                    await asyncio.sleep(0)

        async def until_closed() -> None:
            while (await ws.receive())["type"] != "websocket.disconnect":
                pass

        tasks = [asyncio.create_task(send_events()), asyncio.create_task(until_closed())]
        done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        for task in pending:
            task.cancel()
        for task in done:
            if not task.cancelled() and task.exception() is not None:
                log.info("WebSocket client %s left: %r", who.name, task.exception())
    except (WebSocketDisconnect, RuntimeError, OSError) as exc:
        log.info("WebSocket client %s left: %r", who.name, exc)
    finally:
        svc.hub.unsubscribe(sub)


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


def create_app(service: Service | None = None) -> FastAPI:
    """The web application around ``service`` (None: only for the schema)."""

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if service is not None:
            service.hub.bind(asyncio.get_running_loop())
        try:
            yield
        finally:
            if service is not None:
                service.hub.bind(None)
                await run_in_threadpool(service.stop)  # before uvicorn re-raises SIGTERM/SIGINT

    app = FastAPI(lifespan=lifespan, docs_url="/api/docs", redoc_url=None, openapi_url="/api/openapi.json")
    app.state.service = service
    app.add_middleware(BodyLimit, limit=MAX_BODY)

    @app.exception_handler(ServiceError)
    async def service_error(request: Request, exc: ServiceError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=exc.status)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        for error in exc.errors():
            if error.get("type") == "json_invalid":
                where = error.get("ctx", {}).get("error", "")
                return JSONResponse({"detail": f"the request body is not valid JSON ({where})"}, status_code=400)
        return await request_validation_exception_handler(request, exc)

    app.include_router(api)
    app.add_api_websocket_route("/api/events", events)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC / "index.html")

    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app
